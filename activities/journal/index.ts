/**
 * The journal export (issue 25): each signed note is sent to the region's EHR as one FHIR R4
 * transaction (domain/fhir.ts) through a port, with one adapter per EHR behind it (FHIR R4 over HTTP,
 * or the test journal in process). Retries are safe: the bundle's conditional creates find what an
 * earlier attempt made, and a note with a stored receipt is not sent again.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config';
import type { Orm } from '../../db/orm';
import { clinicianIdByHsaId, findCareUnit, findClinician } from '../../db/care';
import { findEncounter } from '../../db/encounters';
import {
  findJournalNote,
  findThreadSummary,
  recordJournalReceipt,
  recordManualEntry,
  setSummaryJournal,
} from '../../db/journal';
import { findThread } from '../../db/messages';
import { findPatient, findPatientIdByPersonnummer } from '../../db/people';
import { unitCodes } from '../../db/registrations';
import { codingsOf } from '../../domain/fhir';
import { journalBundle, receiptOf, type ContactKind, type JournalReceipt } from '../../domain/fhir';
import { businessFailure } from '../errors';
import { createFhirJournal, JournalRefusedError, type JournalPort } from './client';

export { createFhirJournal, JournalRefusedError, type JournalPort } from './client';

/**
 * The worker's journal from the configuration, or undefined (no EHR configured: the step is then
 * for the clinician to confirm by hand).
 * @param config - the loaded configuration
 */
export function journalFrom(config: Pick<Config, 'journal'>): JournalPort | undefined {
  const j = config.journal;
  return j ? createFhirJournal(j) : undefined;
}

export interface JournalDeps {
  orm: Orm;
  journal?: JournalPort;
}

export interface ExportInput {
  encounterId: string;
  kind: ContactKind;
  startedAt: string;
  endedAt: string | null;
  /** The guardian's personnummer when a guardian took part for the child. */
  guardianPersonnummer: string | null;
}

/** One transaction and its receipt; a refusal is not retried (our request is wrong), anything else is. */
async function send(journal: JournalPort, bundle: Parameters<JournalPort['transaction']>[0]): Promise<JournalReceipt> {
  try {
    return receiptOf(await journal.transaction(bundle));
  } catch (err) {
    if (err instanceof JournalRefusedError) throw ApplicationFailure.nonRetryable(err.message, 'JournalRefused');
    throw err;
  }
}

export function createJournalActivities({ orm, journal }: JournalDeps) {
  return {
    /**
     * Sends the encounter's signed note to the journal and stores the receipt. Retried while the EHR
     * is away; a refusal (our request is wrong) is `JournalRefused`, not retried; without a journal,
     * `JournalNotConfigured`.
     */
    async exportToJournal(input: ExportInput): Promise<JournalReceipt> {
      const em = orm.em.fork();
      const note = await findJournalNote(em, input.encounterId);
      const encounter = await findEncounter(em, input.encounterId);
      if (!note || !encounter) throw businessFailure('NotFound', `encounter ${input.encounterId} has no signed note`);
      if (note.ehrReceipt) return note.ehrReceipt as unknown as JournalReceipt;
      // Entered by hand meanwhile: never sent as well (a running attempt is not stopped by the cancel).
      if (note.manualEntryAt)
        throw ApplicationFailure.nonRetryable('entered in the journal by hand', 'JournalEnteredByHand');
      if (!journal) throw ApplicationFailure.nonRetryable('no journal system is configured', 'JournalNotConfigured');
      const [patient, clinician, unit] = await Promise.all([
        findPatient(em, encounter.patientId),
        findClinician(em, note.authorId),
        findCareUnit(em, encounter.careUnitId),
      ]);
      if (!patient || !clinician || !unit)
        throw businessFailure('NotFound', `the patient, author or unit of ${input.encounterId} is gone`);
      const guardianId = input.guardianPersonnummer
        ? await findPatientIdByPersonnummer(em, input.guardianPersonnummer)
        : null;
      const guardian = guardianId ? await findPatient(em, guardianId) : null;
      const bundle = journalBundle({
        kind: input.kind,
        contactId: input.encounterId,
        period: { start: input.startedAt, ...(input.endedAt ? { end: input.endedAt } : {}) },
        patient: { ...patient, protectedIdentity: patient.protectedIdentity !== 'none' },
        guardian,
        clinician,
        unit,
        note: { id: note.id, text: note.text, signedAt: note.signedAt.toISOString(), contactDate: note.contactDate },
        codes: codingsOf(await unitCodes(em, unit.id), input.kind),
      });
      const receipt = await send(journal, bundle);
      await recordJournalReceipt(em, note.id, { ...receipt });
      return receipt;
    },

    /**
     * Sends a chat day's signed summary to the journal (a written contact dated to the day, with the
     * unit's chat codes) and stores the receipt; the same rules as a note.
     */
    async exportSummaryToJournal(input: { threadId: string; contactDate: string }): Promise<JournalReceipt> {
      const em = orm.em.fork();
      const [summary, thread] = [
        await findThreadSummary(em, input.threadId, input.contactDate),
        await findThread(em, input.threadId),
      ];
      if (!summary || !thread)
        throw businessFailure('NotFound', `thread ${input.threadId} has no summary of ${input.contactDate}`);
      if (summary.ehrReceipt) return summary.ehrReceipt as unknown as JournalReceipt;
      if (summary.manualEntryAt)
        throw ApplicationFailure.nonRetryable('entered in the journal by hand', 'JournalEnteredByHand');
      if (!journal) throw ApplicationFailure.nonRetryable('no journal system is configured', 'JournalNotConfigured');
      const [patient, unit, clinicianId] = await Promise.all([
        findPatient(em, thread.patientId),
        findCareUnit(em, thread.careUnitId),
        clinicianIdByHsaId(em, summary.signedBy),
      ]);
      const clinician = clinicianId ? await findClinician(em, clinicianId) : null;
      if (!patient || !unit)
        throw businessFailure('NotFound', `the patient or unit of thread ${input.threadId} is gone`);
      // A summary signed by staff without a clinician row: the signer's own name and HSA-id.
      const [givenName, ...family] = summary.signedByName.split(' ');
      const author = clinician ?? {
        hsaId: summary.signedBy,
        givenName,
        familyName: family.join(' ') || givenName,
        title: null,
      };
      const bundle = journalBundle({
        kind: 'chat',
        contactId: `${input.threadId}:${input.contactDate}`,
        period: { start: input.contactDate },
        patient: { ...patient, protectedIdentity: patient.protectedIdentity !== 'none' },
        clinician: author,
        unit,
        note: {
          id: summary.id,
          text: summary.text,
          signedAt: summary.signedAt.toISOString(),
          contactDate: input.contactDate,
        },
        codes: codingsOf(await unitCodes(em, unit.id), 'chat'),
      });
      const receipt = await send(journal, bundle);
      await setSummaryJournal(em, summary.id, { status: 'delivered', receipt: { ...receipt } });
      return receipt;
    },

    /** The summary could not be sent: it waits for a manual entry (shown on the thread's page). */
    async markSummaryForManualEntry(input: { threadId: string; contactDate: string }): Promise<void> {
      const em = orm.em.fork();
      const summary = await findThreadSummary(em, input.threadId, input.contactDate);
      if (summary) await setSummaryJournal(em, summary.id, { status: 'manual-needed' });
    },

    /** Records who entered the summary in the journal by hand (the first confirmation stands). */
    async recordManualSummaryEntry(input: { threadId: string; contactDate: string; by: string }): Promise<void> {
      const em = orm.em.fork();
      const summary = await findThreadSummary(em, input.threadId, input.contactDate);
      if (summary) await setSummaryJournal(em, summary.id, { status: 'entered-by-hand', by: input.by });
    },

    /** Records who confirmed entering the note in the EHR by hand. Idempotent: the first confirmation stands. */
    async recordManualJournalEntry(input: { encounterId: string; by: string; byName: string | null }): Promise<void> {
      await recordManualEntry(orm.em.fork(), input.encounterId, { id: input.by, name: input.byName });
    },
  };
}

export type JournalActivities = ReturnType<typeof createJournalActivities>;
