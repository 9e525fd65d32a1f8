/** Encounter records: eligibility, identity, journal note, deviations and the list projection. */
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { decideProxy, ProtectedIdentityFlag, ProxyDecision } from '../../domain/guardianship';
import { EncounterState, IdentityClaims, isTerminal } from '../../workflows/encounter.messages';
import type { DeviationCategory, DeviationSeverity } from '../../db/entities';
import { businessFailure } from '../errors';

export function createRecordActivities({ orm }: { orm: Orm }) {
  return {
    /** Stores the clinician's four answers. Idempotent per encounter. */
    async recordEligibility(input: { encounterId: string; clinicianId: string; answers: Record<string, boolean>; eligible: boolean; reasons: string[] }): Promise<void> {
      await orm.em.fork().execute(
        `insert into eligibility_assessment (encounter_id, clinician_id, answers, eligible, reasons) values (?, ?, ?, ?, ?)
         on conflict (encounter_id) do nothing`,
        [input.encounterId, input.clinicianId, JSON.stringify(input.answers), input.eligible, JSON.stringify(input.reasons)],
      );
    },

    /**
     * Checks the e-ID result against the patient and their guardians (age, protected identity,
     * blocks) and records the outcome. Idempotent: a retry returns the stored decision.
     */
    async checkIdentity(input: { encounterId: string; claims: IdentityClaims; date: string }): Promise<ProxyDecision> {
      const em = orm.em.fork();
      const [stored] = await em.execute<Array<{ allowed: boolean; acting_as: 'self' | 'guardian' | null; refusal: string | null }>>(
        'select allowed, acting_as, refusal from identity_check where encounter_id = ?',
        [input.encounterId],
      );
      if (stored) {
        return stored.allowed ? { allowed: true, actingAs: stored.acting_as ?? 'self' } : { allowed: false, reason: stored.refusal as never, message: `identity refused: ${stored.refusal}` };
      }
      const [patient] = await em.execute<Array<{ id: string; personnummer: string; protected_identity: ProtectedIdentityFlag }>>(
        'select p.id, p.personnummer, p.protected_identity from encounter e join patient p on p.id = e.patient_id where e.id = ?',
        [input.encounterId],
      );
      if (!patient) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      const guardians = await em.execute<Array<{ personnummer: string; protected_identity: ProtectedIdentityFlag; blocked: boolean }>>(
        'select g.personnummer, g.protected_identity, l.blocked from guardian_link l join patient g on g.id = l.guardian_id where l.child_id = ?',
        [patient.id],
      );
      const decision = decideProxy({
        patient: { personnummer: patient.personnummer, protectedIdentity: patient.protected_identity },
        guardians: guardians.map((g) => ({ personnummer: g.personnummer, protectedIdentity: g.protected_identity, blocked: g.blocked })),
        verified: { personnummer: input.claims.personnummer, loa: input.claims.loa },
        date: input.date,
      });
      await em.execute(
        `insert into identity_check (encounter_id, verified_personnummer, method, loa, allowed, acting_as, refusal) values (?, ?, ?, ?, ?, ?, ?)
         on conflict (encounter_id) do nothing`,
        [input.encounterId, input.claims.personnummer, input.claims.method, input.claims.loa, decision.allowed, decision.allowed ? decision.actingAs : null, decision.allowed ? null : decision.reason],
      );
      return decision;
    },

    /** Writes the journal note (visit type Digitalt vårdmöte, dated to the contact day). Idempotent. */
    async writeJournalNote(input: { encounterId: string; authorId: string; authorName?: string; text: string; contactDate: string }): Promise<{ noteId: string }> {
      const em = orm.em.fork();
      const [row] = await em.execute<Array<{ id: string }>>(
        `insert into journal_note (id, encounter_id, patient_id, author_id, author_name, contact_date, text)
         select ?, e.id, e.patient_id, ?, ?, ?, ? from encounter e where e.id = ?
         on conflict (encounter_id) do update set encounter_id = excluded.encounter_id
         returning id`,
        [randomUUID(), input.authorId, input.authorName ?? null, input.contactDate, input.text, input.encounterId],
      );
      if (!row) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      return { noteId: row.id };
    },

    /** Records a deviation once per dedupe key (encounter id + step). */
    async recordDeviation(input: { encounterId: string | null; category: DeviationCategory; severity: DeviationSeverity; description: string; dedupeKey: string }): Promise<{ deviationId: string }> {
      const [row] = await orm.em.fork().execute<Array<{ id: string }>>(
        `insert into deviation (id, encounter_id, category, severity, description, dedupe_key) values (?, ?, ?, ?, ?, ?)
         on conflict (dedupe_key) do update set dedupe_key = excluded.dedupe_key returning id`,
        [randomUUID(), input.encounterId, input.category, input.severity, input.description, input.dedupeKey],
      );
      return { deviationId: row.id };
    },

    /** Mirrors the workflow state into the encounter table; an older version never overwrites a newer. */
    async projectEncounter(input: { state: EncounterState; version: number }): Promise<void> {
      const s = input.state;
      const terminal = isTerminal(s.status);
      const closed = terminal ? s.timeline[s.timeline.length - 1]?.at : null;
      const outcome = terminal ? s.status : null;
      await orm.em.fork().execute(
        `update encounter set status = ?, step = ?, waiting_for = ?, outcome = ?, clinician_id = coalesce(?, clinician_id),
                slot_id = coalesce(?, slot_id), scheduled_start = coalesce(?, scheduled_start), updated_at = now(),
                closed_at = ?, version = ?
          where id = ? and version < ?`,
        [s.status, s.step, s.waitingFor, outcome, s.slot?.clinicianId ?? null, s.slot?.slotId ?? null, s.slot?.startsAt ?? null, closed ?? null, input.version, s.encounterId, input.version],
      );
    },
  };
}
