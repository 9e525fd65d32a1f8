/** One registered digital contact for the patient-administration system (RULES.md §10), once per contact. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, day, ref } from './columns';
import { CONTACT_KINDS, type ContactKind, type Outcome } from '../../domain/registration';

export const REGISTRATION_SOURCES = ['encounter', 'thread'] as const;
export const OUTCOMES = ['attended', 'no-show'] as const;

export class VisitRegistration {
  id!: string;
  /** What was registered: an encounter (its id) or a documented chat day (`<thread id>:<date>`). */
  source!: (typeof REGISTRATION_SOURCES)[number];
  sourceId!: string;
  careUnitId!: string;
  patientId!: string;
  clinicianId?: string | null;
  contactDate!: string;
  kind!: ContactKind;
  outcome!: Outcome;
  contactType?: string | null;
  contactTypeName?: string | null;
  kvaCodes!: string[];
  patientFee!: boolean;
  missingCode!: boolean;
  createdAt: Date = new Date();
}

export const VisitRegistrationSchema = new EntitySchema<VisitRegistration>({
  class: VisitRegistration,
  tableName: 'visit_registration',
  uniques: [{ name: 'visit_registration_source_source_id_key', properties: ['source', 'sourceId'] }],
  indexes: [{ name: 'visit_registration_unit_date_idx', properties: ['careUnitId', 'contactDate'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    source: { enum: true, items: () => REGISTRATION_SOURCES },
    sourceId: { type: 'text' },
    careUnitId: ref('CareUnit', 'care_unit_id'),
    patientId: ref('Patient', 'patient_id'),
    clinicianId: { type: 'uuid', nullable: true },
    contactDate: day,
    kind: { enum: true, items: () => CONTACT_KINDS },
    outcome: { enum: true, items: () => OUTCOMES },
    contactType: { type: 'text', nullable: true },
    contactTypeName: { type: 'text', nullable: true },
    kvaCodes: { type: 'json' },
    patientFee: { type: 'boolean' },
    missingCode: { type: 'boolean' },
    createdAt,
  },
});
