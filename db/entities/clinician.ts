/** A clinician (vårdpersonal) working at one care unit; name and title show on their badge. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export const PROFESSIONS = ['doctor', 'nurse', 'psychologist', 'physiotherapist', 'other'] as const;
export type Profession = (typeof PROFESSIONS)[number];

export class Clinician {
  id!: string;
  hsaId!: string;
  givenName!: string;
  familyName!: string;
  title!: string;
  profession!: Profession;
  careUnitId!: string;
  /** For the SMS when a patient waits unnoticed (E.164). */
  phone?: string | null;
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
    profession: { enum: true, items: () => PROFESSIONS },
    careUnitId: ref('CareUnit', 'care_unit_id'),
    phone: { type: 'text', nullable: true },
    createdAt,
  },
});
