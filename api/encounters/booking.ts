/** What a booking may take: a slot of the encounter's own care unit that has not started. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { findSlotWithUnit } from '../../db/slots';
import { HttpError } from '../http/errors';

export async function bookableSlot(
  em: EntityManager,
  encounter: { careUnitId: string },
  slotId: string,
): Promise<string> {
  const slot = await findSlotWithUnit(em, slotId);
  if (!slot) throw new HttpError(404, `slotId: no slot ${slotId}`, 'slotId', 'not-found');
  if (slot.careUnitId !== encounter.careUnitId)
    throw new HttpError(409, 'slotId: the slot belongs to another care unit', 'slotId', 'slot-other-unit');
  if (new Date(slot.startsAt).getTime() <= Date.now())
    throw new HttpError(409, 'slotId: the slot has already started', 'slotId', 'slot-started');
  return slotId;
}
