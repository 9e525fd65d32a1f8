/** The mandatory journal note of an encounter (visit type Digitalt vårdmöte, dated to the contact day). */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, day, optionalTime, ref } from './columns';

export const VISIT_TYPE_VIDEO = 'Digitalt vårdmöte';

export class JournalNote {
  id!: string;
  encounterId!: string;
  patientId!: string;
  authorId!: string;
  authorName?: string | null;
  visitType: string = VISIT_TYPE_VIDEO;
  contactDate!: string;
  text!: string;
  signedAt: Date = new Date();
  /** The EHR's ids for what we sent (issue 25), once it has answered. */
  ehrReceipt?: Record<string, string> | null;
  journalDeliveredAt?: Date | null;
  /** Entered in the EHR by hand instead: who confirmed it, and when. */
  manualEntryBy?: string | null;
  manualEntryByName?: string | null;
  manualEntryAt?: Date | null;
}

export const JournalNoteSchema = new EntitySchema<JournalNote>({
  class: JournalNote,
  tableName: 'journal_note',
  checks: [{ name: 'journal_note_text_check', expression: 'length(text) > 0' }],
  properties: {
    id: { type: 'uuid', primary: true },
    // One note per encounter: the unique key makes a retried write a no-op.
    encounterId: ref('Encounter', 'encounter_id', { unique: true }),
    patientId: ref('Patient', 'patient_id'),
    authorId: { type: 'text' },
    authorName: { type: 'text', nullable: true },
    visitType: { type: 'text', default: VISIT_TYPE_VIDEO },
    contactDate: day,
    text: { type: 'text' },
    signedAt: createdAt,
    ehrReceipt: { type: 'json', nullable: true },
    journalDeliveredAt: optionalTime,
    manualEntryBy: { type: 'text', nullable: true },
    manualEntryByName: { type: 'text', nullable: true },
    manualEntryAt: optionalTime,
  },
});
