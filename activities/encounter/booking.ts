/** Slot reservation: the database's partial unique index, not this code, forbids double booking. */
import type { Orm } from '../../db/orm';
import { findSlot, liveBookingOf, rebook, releaseBooking } from '../../db/slots';
import { businessFailure, isConstraintViolation } from '../errors';
import type { ActivityFaults } from '../faults';

export interface ReservedSlot {
  slotId: string;
  clinicianId: string;
  startsAt: string;
  endsAt: string;
}

export function createBookingActivities({ orm, faults = {} }: { orm: Orm; faults?: ActivityFaults }) {
  return {
    /**
     * Holds a slot for an encounter. Idempotent: holding the same slot again returns it; any
     * other live booking of the slot makes it taken. The encounter row learns the slot from the
     * workflow's projection, its one writer.
     */
    async reserveSlot(input: { encounterId: string; slotId: string }): Promise<ReservedSlot> {
      const em = orm.em.fork();
      const slot = await findSlot(em, input.slotId);
      if (!slot) throw businessFailure('NotFound', `slot ${input.slotId} does not exist`, 'slotId');
      const reserved = { slotId: slot.id, clinicianId: slot.clinicianId, startsAt: slot.startsAt, endsAt: slot.endsAt };
      if ((await liveBookingOf(em, input.encounterId)) === input.slotId) return reserved;
      try {
        await rebook(em, input.encounterId, input.slotId, async () => faults.inBookingTransaction?.(input.encounterId));
      } catch (err) {
        if (isConstraintViolation(err))
          throw businessFailure('SlotTaken', `slot ${input.slotId} is already booked`, 'slotId');
        throw err;
      }
      return reserved;
    },

    /** Gives the encounter's slot back. Idempotent. */
    async releaseSlot(input: { encounterId: string }): Promise<void> {
      await releaseBooking(orm.em.fork(), input.encounterId);
    },
  };
}
