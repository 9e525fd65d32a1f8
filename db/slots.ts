/** Slots and bookings. The database forbids double booking (exclusion constraint, partial unique indexes), not this code. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Booking, Clinician, Slot, type Profession } from './entities';
import { insertIgnore } from './insert';

export interface SlotView {
  id: string;
  clinicianId: string;
  startsAt: string;
  endsAt: string;
}

/** No live booking holds the slot. */
const FREE = 'not exists (select 1 from booking b where b.slot_id = s.id and b.released_at is null)';

const view = (s: Slot): SlotView => ({
  id: s.id,
  clinicianId: s.clinicianId,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
});

export async function findSlot(em: EntityManager, id: string): Promise<SlotView | null> {
  const s = await em.findOne(Slot, { id });
  return s ? view(s) : null;
}

/** The slot with its clinician's care unit (booking checks the unit), or null. */
export async function findSlotWithUnit(
  em: EntityManager,
  id: string,
): Promise<(SlotView & { careUnitId: string }) | null> {
  const s = await em.findOne(Slot, { id });
  if (!s) return null;
  const c = await em.findOneOrFail(Clinician, { id: s.clinicianId }, { fields: ['careUnitId'] });
  return { ...view(s), careUnitId: c.careUnitId };
}

/** Slots from `from` (default now), optionally free ones only, of a clinician or unit; 500 at most, in time order. */
export async function listSlots(
  em: EntityManager,
  f: { from?: string; to?: string; clinicianId?: string; careUnitId?: string; freeOnly: boolean },
): Promise<SlotView[]> {
  const qb = em
    .createQueryBuilder(Slot, 's')
    .where({
      startsAt: { $gte: f.from ? new Date(f.from) : new Date(), ...(f.to ? { $lt: new Date(f.to) } : {}) },
      ...(f.clinicianId ? { clinicianId: f.clinicianId } : {}),
    })
    .orderBy({ startsAt: 'asc' })
    .limit(500);
  // A unit's slots and "free" slots are subqueries on other tables: clearer as SQL than as ORM filters.
  if (f.careUnitId)
    qb.andWhere('s.clinician_id in (select c.id from clinician c where c.care_unit_id = ?)', [f.careUnitId]);
  if (f.freeOnly) qb.andWhere(FREE);
  return (await qb.getResult()).map(view);
}

/** The encounter's live booking's slot id, or null. */
export async function liveBookingOf(em: EntityManager, encounterId: string): Promise<string | null> {
  const b = await em.findOne(Booking, { encounterId, releasedAt: null });
  return b?.slotId ?? null;
}

/**
 * Releases the encounter's live booking (if any) and books `slotId`, in one transaction. Throws the
 * driver's unique violation when the slot is taken.
 */
export async function rebook(
  em: EntityManager,
  encounterId: string,
  slotId: string,
  /** Test-only: runs inside the transaction before its commit (fault injection). */
  beforeCommit?: () => Promise<void>,
): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.nativeUpdate(Booking, { encounterId, releasedAt: null }, { releasedAt: new Date() });
    await tx.insert(Booking, { id: randomUUID(), slotId, encounterId, createdAt: new Date() });
    await beforeCommit?.();
  });
}

/** Gives the encounter's slot back. Idempotent. */
export async function releaseBooking(em: EntityManager, encounterId: string): Promise<void> {
  await em.nativeUpdate(Booking, { encounterId, releasedAt: null }, { releasedAt: new Date() });
}

/** The first free slot of a clinician that ends after `endsAfter` and starts before `startsBefore`. */
export async function findFreeSlot(
  em: EntityManager,
  clinicianId: string,
  window: { startsAfter?: Date; endsAfter?: Date; startsBefore?: Date },
): Promise<string | null> {
  const startsAt = {
    ...(window.startsAfter ? { $gt: window.startsAfter } : {}),
    ...(window.startsBefore ? { $lt: window.startsBefore } : {}),
  };
  const [row] = await em
    .createQueryBuilder(Slot, 's')
    .select('id')
    .where({
      clinicianId,
      ...(Object.keys(startsAt).length ? { startsAt } : {}),
      ...(window.endsAfter ? { endsAt: { $gt: window.endsAfter } } : {}),
    })
    .andWhere(FREE)
    .orderBy({ startsAt: 'asc' })
    .limit(1)
    .getResult();
  return row?.id ?? null;
}

/**
 * Adds a slot unless it overlaps one of the clinician's (the exclusion constraint decides, so
 * concurrent callers cannot both win). Returns the new id, or null when it overlapped.
 */
export async function addSlotIfFree(
  em: EntityManager,
  clinicianId: string,
  startsAt: Date,
  endsAt: Date,
): Promise<string | null> {
  const id = randomUUID();
  try {
    await em.insert(Slot, { id, clinicianId, startsAt, endsAt, createdAt: new Date() });
    return id;
  } catch (err) {
    if ((err as { code?: string }).code === '23P01') return null;
    throw err;
  }
}

/** Adds slots; overlapping ones (already seeded) are skipped. Returns how many were new. */
export async function addSlots(
  em: EntityManager,
  slots: Array<{ clinicianId: string; startsAt: Date; endsAt: Date }>,
): Promise<number> {
  return insertIgnore(
    em,
    Slot,
    slots.map((s) => ({ id: randomUUID(), ...s })),
  );
}

/** The slot of a clinician (by HSA-id, case-insensitively) starting in the second of `startsAt` (the contracts' precision), with its unit, or null. */
export async function findSlotAt(
  em: EntityManager,
  clinicianHsaId: string,
  startsAt: Date,
): Promise<(SlotView & { careUnitId: string }) | null> {
  // A join on the clinician's HSA-id: clearer as SQL than as two ORM look-ups.
  const [row] = await em.execute<Array<{ id: string }>>(
    "select s.id from slot s join clinician c on c.id = s.clinician_id where lower(c.hsa_id) = lower(?) and date_trunc('second', s.starts_at) = ?",
    [clinicianHsaId, startsAt],
  );
  return row ? findSlotWithUnit(em, row.id) : null;
}

/** No live booking holds the slot (a hint only: the booking itself is decided by the database). */
export async function slotIsFree(em: EntityManager, slotId: string): Promise<boolean> {
  const [row] = await em.execute<Array<{ free: boolean }>>(`select ${FREE} as free from slot s where s.id = ?`, [
    slotId,
  ]);
  return row?.free ?? false;
}

/** A free time offered on Mina sidor: the slot with its clinician's name, title and profession. */
export interface FreeTime extends SlotView {
  clinicianName: string;
  clinicianTitle: string;
  profession: Profession;
}

/**
 * The unit's free slots starting in [`from`, `to`), of one profession when given, with the clinician,
 * in time order; 300 at most. The range test is the exclusion constraint's own (GiST over clinician
 * and tstzrange), so that index serves it; plain SQL says the join and the free test best.
 */
export async function listFreeTimes(
  em: EntityManager,
  f: { careUnitId: string; profession?: Profession | null; from: string; to: string },
): Promise<FreeTime[]> {
  const rows = await em.execute<
    Array<Omit<FreeTime, 'startsAt' | 'endsAt'> & { startsAt: Date | string; endsAt: Date | string }>
  >(
    `select s.id, s.clinician_id as "clinicianId", s.starts_at as "startsAt", s.ends_at as "endsAt",
       c.given_name || ' ' || c.family_name as "clinicianName", c.title as "clinicianTitle", c.profession
     from slot s join clinician c on c.id = s.clinician_id
     where c.care_unit_id = ? ${f.profession ? 'and c.profession = ?' : ''}
       and tstzrange(s.starts_at, s.ends_at) && tstzrange(?::timestamptz, ?::timestamptz) and s.starts_at >= ? and s.starts_at < ?
       and ${FREE}
     order by s.starts_at, c.family_name, s.id
     limit 300`,
    [f.careUnitId, ...(f.profession ? [f.profession] : []), f.from, f.to, f.from, f.to],
  );
  return rows.map((r) => ({
    ...r,
    startsAt: new Date(r.startsAt).toISOString(),
    endsAt: new Date(r.endsAt).toISOString(),
  }));
}

/** A slot as a move checks it: its unit, its clinician's profession, its start and whether it is free (null: no such slot). */
export async function findSlotForMove(
  em: EntityManager,
  slotId: string,
): Promise<{ id: string; careUnitId: string; profession: Profession; startsAt: string; free: boolean } | null> {
  // The clinician's unit and profession with the free test in one look: clearer as SQL.
  const [row] = await em.execute<
    Array<{ id: string; careUnitId: string; profession: Profession; startsAt: Date | string; free: boolean }>
  >(
    `select s.id, c.care_unit_id as "careUnitId", c.profession, s.starts_at as "startsAt", ${FREE} as free
     from slot s join clinician c on c.id = s.clinician_id where s.id = ?`,
    [slotId],
  );
  return row ? { ...row, startsAt: new Date(row.startsAt).toISOString() } : null;
}
