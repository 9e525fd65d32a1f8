/** Slot reservation: the database's partial unique index, not this code, forbids double booking. */
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { businessFailure, isConstraintViolation } from '../errors';

export interface ReservedSlot {
  slotId: string;
  clinicianId: string;
  startsAt: string;
  endsAt: string;
}

export function createBookingActivities({ orm }: { orm: Orm }) {
  return {
    /**
     * Holds a slot for an encounter. Idempotent: holding the same slot again returns it; any
     * other live booking of the slot makes it taken.
     */
    async reserveSlot(input: { encounterId: string; slotId: string }): Promise<ReservedSlot> {
      const em = orm.em.fork();
      const [slot] = await em.execute<Array<{ id: string; clinician_id: string; starts_at: string | Date; ends_at: string | Date }>>(
        'select id, clinician_id, starts_at, ends_at from slot where id = ?',
        [input.slotId],
      );
      if (!slot) throw businessFailure('NotFound', `slot ${input.slotId} does not exist`, 'slotId');
      const reserved = { slotId: slot.id, clinicianId: slot.clinician_id, startsAt: new Date(slot.starts_at).toISOString(), endsAt: new Date(slot.ends_at).toISOString() };
      const [mine] = await em.execute<Array<{ slot_id: string }>>('select slot_id from booking where encounter_id = ? and released_at is null', [input.encounterId]);
      if (mine?.slot_id === input.slotId) return reserved;
      try {
        await em.transactional(async (tx) => {
          // Rebooking: release the old slot and take the new one in one transaction.
          await tx.execute('update booking set released_at = now() where encounter_id = ? and released_at is null', [input.encounterId]);
          await tx.execute('insert into booking (id, slot_id, encounter_id) values (?, ?, ?)', [randomUUID(), input.slotId, input.encounterId]);
          await tx.execute('update encounter set slot_id = ?, clinician_id = ?, scheduled_start = ? where id = ?', [slot.id, slot.clinician_id, slot.starts_at, input.encounterId]);
        });
      } catch (err) {
        if (isConstraintViolation(err)) throw businessFailure('SlotTaken', `slot ${input.slotId} is already booked`, 'slotId');
        throw err;
      }
      return reserved;
    },

    /** Gives the encounter's slot back. Idempotent. */
    async releaseSlot(input: { encounterId: string }): Promise<void> {
      await orm.em.fork().execute('update booking set released_at = now() where encounter_id = ? and released_at is null', [input.encounterId]);
    },
  };
}
