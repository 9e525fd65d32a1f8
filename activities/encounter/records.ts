/** Encounter records: eligibility, identity, journal note, deviations and the list projection. */
import type { DeviationCategory, DeviationSeverity } from '../../db/entities';
import { recordDeviation } from '../../db/deviations';
import { findCareUnit } from '../../db/care';
import {
  findEncounter,
  findEncounterPatientId,
  findIdentityCheck,
  projectEncounter,
  projectEncounterState,
  recordEligibility,
  recordIdentityCheck,
  writeJournalNote,
} from '../../db/encounters';
import type { Orm } from '../../db/orm';
import type { WorkerMetrics } from '../../observability/metrics';
import { patientWithGuardians } from '../../db/people';
import { registerContact } from '../../db/registrations';
import { stockholmDateOf } from '../../domain/dates';
import { decideProxy, ProxyDecision, ProxyRefusal } from '../../domain/guardianship';
import {
  otherUnitsThatTookPart,
  participantsSection,
  publicState,
  type NoteParticipant,
} from '../../domain/participants';
import { EncounterState, encounterWorkflowId, IdentityClaims, isTerminal } from '../../workflows/encounter.messages';
import { businessFailure } from '../errors';

export function createRecordActivities({
  orm,
  metrics,
}: {
  orm: Orm;
  metrics?: Pick<WorkerMetrics, 'encounterProjected'>;
}) {
  return {
    /** Stores the clinician's four answers. Idempotent per encounter. */
    async recordEligibility(input: {
      encounterId: string;
      clinicianId: string;
      answers: Record<string, boolean>;
      eligible: boolean;
      reasons: string[];
    }): Promise<void> {
      await recordEligibility(orm.em.fork(), input);
    },

    /**
     * Checks the e-ID result against the patient and their guardians (age, protected identity,
     * blocks) and records the outcome. Idempotent: a retry returns the stored decision.
     */
    async checkIdentity(input: { encounterId: string; claims: IdentityClaims; date: string }): Promise<ProxyDecision> {
      const em = orm.em.fork();
      const stored = await findIdentityCheck(em, input.encounterId);
      if (stored) {
        return stored.allowed
          ? { allowed: true, actingAs: stored.actingAs ?? 'self' }
          : { allowed: false, reason: stored.refusal as ProxyRefusal, message: `identity refused: ${stored.refusal}` };
      }
      const patientId = await findEncounterPatientId(em, input.encounterId);
      const people = patientId ? await patientWithGuardians(em, patientId) : null;
      if (!people) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      const decision = decideProxy({
        ...people,
        verified: { personnummer: input.claims.personnummer, loa: input.claims.loa },
        date: input.date,
      });
      await recordIdentityCheck(em, {
        encounterId: input.encounterId,
        verifiedPersonnummer: input.claims.personnummer,
        method: input.claims.method,
        loa: input.claims.loa,
        allowed: decision.allowed,
        actingAs: decision.allowed ? decision.actingAs : null,
        refusal: decision.allowed ? null : decision.reason,
      });
      return decision;
    },

    /**
     * Writes the journal note (visit type Digitalt vårdmöte, dated to the contact day). Idempotent.
     * With participants (issue 26) the note ends with who took part: name, role and unit.
     */
    async writeJournalNote(input: {
      encounterId: string;
      authorId: string;
      authorName?: string;
      text: string;
      contactDate: string;
      participants?: NoteParticipant[];
      actingAs?: 'self' | 'guardian';
    }): Promise<{ noteId: string }> {
      const em = orm.em.fork();
      const { participants, actingAs, ...note } = input;
      if (participants?.length) {
        const encounter = await findEncounter(em, input.encounterId);
        const unit = encounter ? await findCareUnit(em, encounter.careUnitId) : null;
        const clinician = { name: input.authorName ?? 'Vårdgivaren', ...(unit ? { unit: unit.name } : {}) };
        note.text = `${input.text.trimEnd()}\n\n${participantsSection(actingAs ?? 'self', clinician, participants)}`;
      }
      const noteId = await writeJournalNote(em, note);
      if (!noteId) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      return { noteId };
    },

    /** Records a deviation once per dedupe key (encounter id + step). */
    async recordDeviation(input: {
      encounterId: string | null;
      category: DeviationCategory;
      severity: DeviationSeverity;
      description: string;
      dedupeKey: string;
    }): Promise<{ deviationId: string }> {
      return { deviationId: await recordDeviation(orm.em.fork(), input) };
    },

    /** Mirrors the workflow state into the encounter table (creating the row if the API has not yet); an older version never overwrites a newer. */
    async projectEncounter(input: {
      state: EncounterState;
      version: number;
      patientId: string;
      careUnitId: string;
    }): Promise<void> {
      const s = input.state;
      const terminal = isTerminal(s.status);
      await projectEncounter(orm.em.fork(), {
        encounterId: s.encounterId,
        workflowId: encounterWorkflowId(s.encounterId),
        patientId: input.patientId,
        careUnitId: input.careUnitId,
        status: s.status,
        step: s.step,
        waitingFor: s.waitingFor,
        outcome: terminal ? s.status : null,
        clinicianId: s.slot?.clinicianId ?? null,
        slotId: s.slot?.slotId ?? null,
        scheduledStart: s.slot?.startsAt ?? null,
        closedAt: terminal ? (s.timeline[s.timeline.length - 1]?.at ?? null) : null,
        version: input.version,
      });
      // The whole state too: the API's and the live page's reads come from here (issue 29).
      await projectEncounterState(orm.em.fork(), {
        encounterId: s.encounterId,
        state: publicState(s),
        version: input.version,
      });
      // A closed encounter or a no-show is registered for the PAS with its unit's codes (RULES.md §10), once.
      const attended = s.status === 'closed';
      if ((attended || s.status === 'no-show') && s.slot)
        await registerContact(orm.em.fork(), {
          source: 'encounter',
          sourceId: s.encounterId,
          careUnitId: input.careUnitId,
          patientId: input.patientId,
          clinicianId: s.slot.clinicianId,
          kind: s.modality === 'phone' ? 'phone' : 'video',
          outcome: attended ? 'attended' : 'no-show',
          contactDate: stockholmDateOf(s.sessionStartedAt ?? s.slot.startsAt),
        });
      // Digifysisk (SÄS, RULES.md §10): each other unit whose clinician took part registers its own part.
      if (attended && s.slot)
        for (const unit of otherUnitsThatTookPart(s.participants ?? []))
          await registerContact(orm.em.fork(), {
            source: 'encounter',
            sourceId: `${s.encounterId}:${unit.id}`,
            careUnitId: unit.id,
            patientId: input.patientId,
            clinicianId: null,
            kind: 'digifysisk',
            outcome: 'attended',
            contactDate: stockholmDateOf(s.sessionStartedAt ?? s.slot.startsAt),
          });
      metrics?.encounterProjected(s.encounterId, s.timeline);
    },
  };
}
