/** A clinician (vårdpersonal) working at one care unit; name and title show on their badge. */
import { EntitySchema } from '@mikro-orm/core';

export type Profession = 'doctor' | 'nurse' | 'psychologist' | 'physiotherapist' | 'other';

export class Clinician {
  id!: string;
  hsaId!: string;
  givenName!: string;
  familyName!: string;
  title!: string;
  profession!: Profession;
  careUnitId!: string;
  createdAt: Date = new Date();
}

export const ClinicianSchema = new EntitySchema<Clinician>({
  class: Clinician,
  tableName: 'clinician',
  properties: {
    id: { type: 'uuid', primary: true },
    hsaId: { type: 'text', unique: true },
    givenName: { type: 'text' },
    familyName: { type: 'text' },
    title: { type: 'text' },
    profession: { type: 'text' },
    careUnitId: { type: 'uuid' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
