/** A patient, identified by a normalised 12-digit personnummer or samordningsnummer. */
import { EntitySchema } from '@mikro-orm/core';

/** Skyddade personuppgifter (RULES.md §4). */
export type ProtectedIdentity = 'none' | 'sekretessmarkering' | 'skyddad_folkbokforing' | 'fingerade';

export class Patient {
  id!: string;
  personnummer!: string;
  givenName!: string;
  familyName!: string;
  protectedIdentity: ProtectedIdentity = 'none';
  email?: string | null;
  phone?: string | null;
  createdAt: Date = new Date();
}

export const PatientSchema = new EntitySchema<Patient>({
  class: Patient,
  tableName: 'patient',
  properties: {
    id: { type: 'uuid', primary: true },
    personnummer: { type: 'text', unique: true },
    givenName: { type: 'text' },
    familyName: { type: 'text' },
    protectedIdentity: { type: 'text' },
    email: { type: 'text', nullable: true },
    phone: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
