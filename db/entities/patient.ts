/** A patient, identified by a normalised 12-digit personnummer or samordningsnummer. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt } from './columns';
import { LANGUAGES, type Lang } from '../../domain/i18n';

/** Skyddade personuppgifter (RULES.md §4). */
export const PROTECTED_IDENTITIES = ['none', 'sekretessmarkering', 'skyddad_folkbokforing', 'fingerade'] as const;
export type ProtectedIdentity = (typeof PROTECTED_IDENTITIES)[number];

/** How the patient (or guardian) wants reminders (issue 27): chosen on Mina sidor. */
export const REMINDER_CHANNELS = ['both', 'sms', 'mail', 'none'] as const;
export type ReminderChannels = (typeof REMINDER_CHANNELS)[number];

export class Patient {
  id!: string;
  personnummer!: string;
  givenName!: string;
  familyName!: string;
  protectedIdentity: ProtectedIdentity = 'none';
  email?: string | null;
  phone?: string | null;
  reminderChannels: ReminderChannels = 'both';
  /** The language of the patient's pages, mails and invoices (issue 28); null: not chosen (the browser's, mail in Swedish). */
  language?: Lang | null;
  createdAt: Date = new Date();
}

export const PatientSchema = new EntitySchema<Patient>({
  class: Patient,
  tableName: 'patient',
  checks: [{ name: 'patient_personnummer_check', expression: `personnummer ~ '^[0-9]{8}-[0-9]{4}$'` }],
  properties: {
    id: { type: 'uuid', primary: true },
    personnummer: { type: 'text', unique: true },
    givenName: { type: 'text' },
    familyName: { type: 'text' },
    protectedIdentity: { enum: true, items: () => PROTECTED_IDENTITIES, default: 'none' },
    email: { type: 'text', nullable: true },
    phone: { type: 'text', nullable: true },
    reminderChannels: { enum: true, items: () => REMINDER_CHANNELS, default: 'both' },
    language: { enum: true, items: () => LANGUAGES, nullable: true },
    createdAt,
  },
});
