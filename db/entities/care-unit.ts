/** A care unit (vårdenhet): its region sets the fees, its age limits the fee exemptions. */
import { EntitySchema } from '@mikro-orm/core';

export class CareUnit {
  id!: string;
  name!: string;
  hsaId!: string;
  region!: 'stockholm' | 'vgr';
  freeBelowAge!: number;
  freeFromAge!: number;
  createdAt: Date = new Date();
}

export const CareUnitSchema = new EntitySchema<CareUnit>({
  class: CareUnit,
  tableName: 'care_unit',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    hsaId: { type: 'text', unique: true },
    region: { type: 'text' },
    freeBelowAge: { type: 'integer' },
    freeFromAge: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
