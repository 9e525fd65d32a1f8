/** A care unit's registration codes for one kind of digital contact (RULES.md §10; kept by sysadmin). */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';
import { CONTACT_KINDS, type ContactKind } from '../../domain/registration';

export class VisitCode {
  careUnitId!: string;
  kind!: ContactKind;
  contactType!: string;
  contactTypeName!: string;
  kvaCodes!: string[];
  patientFee!: boolean;
  updatedBy!: string;
  updatedAt: Date = new Date();
}

export const VisitCodeSchema = new EntitySchema<VisitCode>({
  class: VisitCode,
  tableName: 'visit_code',
  properties: {
    careUnitId: ref('CareUnit', 'care_unit_id', { primary: true }),
    kind: { enum: true, items: () => CONTACT_KINDS, primary: true },
    contactType: { type: 'text' },
    contactTypeName: { type: 'text' },
    kvaCodes: { type: 'json' },
    patientFee: { type: 'boolean' },
    updatedBy: { type: 'text' },
    updatedAt: createdAt,
  },
});
