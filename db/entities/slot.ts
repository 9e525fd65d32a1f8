/** A clinician's bookable time; overlapping slots of one clinician are refused by the database. */
import { EntitySchema } from '@mikro-orm/core';

export class Slot {
  id!: string;
  clinicianId!: string;
  startsAt!: Date;
  endsAt!: Date;
  createdAt: Date = new Date();
}

export const SlotSchema = new EntitySchema<Slot>({
  class: Slot,
  tableName: 'slot',
  properties: {
    id: { type: 'uuid', primary: true },
    clinicianId: { type: 'uuid' },
    startsAt: { type: 'Date', columnType: 'timestamptz' },
    endsAt: { type: 'Date', columnType: 'timestamptz' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
