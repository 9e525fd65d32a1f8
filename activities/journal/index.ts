/**
 * The journal export (issue 25): each signed note is sent to the region's EHR as one FHIR R4
 * transaction (domain/fhir.ts) through a port, with one adapter per EHR behind it (FHIR R4 over HTTP,
 * or the test journal in process). Retries are safe: the bundle's conditional creates find what an
 * earlier attempt made, and a note with a stored receipt is not sent again.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config';
import type { Orm } from '../../db/orm';
import { findCareUnit, findClinician } from '../../db/care';
import { findEncounter } from '../../db/encounters';
import { findJournalNote, recordJournalReceipt, recordManualEntry } from '../../db/journal';
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
      let receipt: JournalReceipt;
      try {
        receipt = receiptOf(await journal.transaction(bundle));
      } catch (err) {
        if (err instanceof JournalRefusedError) throw ApplicationFailure.nonRetryable(err.message, 'JournalRefused');
        throw err;
      }
      await recordJournalReceipt(em, note.id, { ...receipt });
      return receipt;
    },

    /** Records who confirmed entering the note in the EHR by hand. Idempotent: the first confirmation stands. */
    async recordManualJournalEntry(input: { encounterId: string; by: string; byName: string | null }): Promise<void> {
      await recordManualEntry(orm.em.fork(), input.encounterId, { id: input.by, name: input.byName });
    },
  };
}
