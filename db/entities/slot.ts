/** A clinician's bookable time; overlapping slots of one clinician are refused by the database. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

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
  checks: [{ name: 'slot_check', expression: 'ends_at > starts_at' }],
  indexes: [
    // The ORM has no word for an exclusion constraint: the migration creates it, this names it so the schema diff agrees.
    {
      name: 'slot_no_overlap',
      expression:
        'alter table slot add constraint slot_no_overlap exclude using gist (clinician_id with =, tstzrange(starts_at, ends_at) with &&)',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    clinicianId: ref('Clinician', 'clinician_id'),
    startsAt: { type: 'Date', columnType: 'timestamptz' },
    endsAt: { type: 'Date', columnType: 'timestamptz' },
    createdAt,
  },
});
