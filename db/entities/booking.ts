/** A slot held by an encounter; one live booking per slot is enforced by a partial unique index. */
import { EntitySchema } from '@mikro-orm/core';

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
  properties: {
    id: { type: 'uuid', primary: true },
    slotId: { type: 'uuid' },
    encounterId: { type: 'uuid' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    releasedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
