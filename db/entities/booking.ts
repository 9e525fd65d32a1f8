/** A slot held by an encounter; one live booking per slot is enforced by a partial unique index. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export class Booking {
  id!: string;
  slotId!: string;
  encounterId!: string;
  createdAt: Date = new Date();
  releasedAt?: Date | null;
}

export const BookingSchema = new EntitySchema<Booking>({
  class: Booking,
  tableName: 'booking',
  indexes: [
    // A slot has at most one live booking and an encounter holds at most one slot: no double booking.
    {
      name: 'booking_one_live_per_slot',
      expression: 'create unique index booking_one_live_per_slot on booking (slot_id) where released_at is null',
    },
    {
      name: 'booking_one_live_per_encounter',
      expression:
        'create unique index booking_one_live_per_encounter on booking (encounter_id) where released_at is null',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    slotId: ref('Slot', 'slot_id'),
    encounterId: ref('Encounter', 'encounter_id'),
    createdAt,
    releasedAt: optionalTime,
  },
});
