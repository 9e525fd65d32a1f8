/** Care units and clinicians: the catalogue every booking and fee reads. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CareUnit, Clinician } from './entities';
import { fillNulls, insertIgnore } from './insert';
import type { ReminderPolicy } from '../domain/reminders';

export async function listCareUnits(em: EntityManager) {
  const units = await em.find(CareUnit, {}, { orderBy: { name: 'asc' } });
  return units.map(({ id, name, hsaId, region, freeBelowAge, freeFromAge }) => ({
    id,
    name,
    hsaId,
    region,
    freeBelowAge,
    freeFromAge,
  }));
}

export async function listClinicians(em: EntityManager) {
  const clinicians = await em.find(Clinician, {}, { orderBy: { familyName: 'asc' } });
  return clinicians.map(({ id, hsaId, givenName, familyName, title, profession, careUnitId }) => ({
    id,
    hsaId,
    givenName,
    familyName,
    title,
    profession,
    careUnitId,
  }));
}

export async function careUnitExists(em: EntityManager, id: string): Promise<boolean> {
  return (await em.count(CareUnit, { id })) > 0;
}

export async function findClinician(em: EntityManager, id: string): Promise<Clinician | null> {
  return em.findOne(Clinician, { id });
}

export async function findCareUnit(em: EntityManager, id: string): Promise<CareUnit | null> {
  return em.findOne(CareUnit, { id });
}

/**
 * Inserts units and clinicians that are missing (demo and test data), and gives rows that exist
 * without an SMS number the one given here (a number set since, on *Påminnelser*, is kept).
 */
export async function ensureCare(
  em: EntityManager,
  units: Array<Omit<CareUnit, 'createdAt' | 'invoicing'> & Partial<Pick<CareUnit, 'invoicing'>>>,
  clinicians: Array<Omit<Clinician, 'createdAt'>>,
): Promise<void> {
  await insertIgnore(em, CareUnit, units);
  await insertIgnore(em, Clinician, clinicians);
  await fillNulls(
    em,
    CareUnit,
    'phone',
    units.map((u) => ({ id: u.id, value: u.phone })),
  );
  await fillNulls(
    em,
    Clinician,
    'phone',
    clinicians.map((c) => ({ id: c.id, value: c.phone })),
  );
}

/** A unit's reminders as its sysadmin keeps them: the stored policy (null: the default) and its SMS number. */
export interface UnitReminders {
  id: string;
  name: string;
  hsaId: string;
  reminderPolicy: ReminderPolicy | null;
  phone: string | null;
}

/**
 * The reminder settings of these units, by name.
 * @param unitIds - null: every unit
 */
export async function listUnitReminders(em: EntityManager, unitIds: string[] | null): Promise<UnitReminders[]> {
  const units = await em.find(CareUnit, unitIds ? { id: { $in: unitIds } } : {}, { orderBy: { name: 'asc' } });
  return units.map(({ id, name, hsaId, reminderPolicy, phone }) => ({
    id,
    name,
    hsaId,
    reminderPolicy: reminderPolicy ?? null,
    phone: phone ?? null,
  }));
}

/**
 * Sets a unit's reminder policy and SMS number; encounters created from now on carry the policy in
 * their input (api/encounters/service.ts), those already started keep theirs.
 * @param policy - the whole policy; null: the default (domain/reminders.ts)
 * @param phone - E.164, or null: no SMS to the unit when a patient waits
 */
export async function setUnitReminders(
  em: EntityManager,
  unitId: string,
  settings: { policy: ReminderPolicy | null; phone: string | null },
): Promise<void> {
  await em.nativeUpdate(CareUnit, { id: unitId }, { reminderPolicy: settings.policy, phone: settings.phone });
}

/** The names of the units these rows belong to, by id (one query for a list). */
export async function careUnitNames(
  em: EntityManager,
  rows: Array<{ careUnitId: string }>,
): Promise<Map<string, string>> {
  const units = await em.find(CareUnit, { id: { $in: [...new Set(rows.map((r) => r.careUnitId))] } });
  return new Map(units.map((u) => [u.id, u.name]));
}

/**
 * The care unit with this HSA-id, compared case-insensitively as RIVTA compares logical addresses
 * (SQL's lower() says it more plainly than an ORM filter).
 */
export async function findCareUnitByHsaId(em: EntityManager, hsaId: string): Promise<CareUnit | null> {
  const [row] = await em.execute<Array<{ id: string }>>('select id from care_unit where lower(hsa_id) = lower(?)', [
    hsaId,
  ]);
  return row ? em.findOne(CareUnit, { id: row.id }) : null;
}

/** The clinicians of one unit, by family name. */
export async function cliniciansOfUnit(em: EntityManager, careUnitId: string): Promise<Clinician[]> {
  return em.find(Clinician, { careUnitId }, { orderBy: { familyName: 'asc', givenName: 'asc' } });
}

/** The clinician with this HSA-id, if one works here (a staff member without slots has none). */
export async function clinicianIdByHsaId(em: EntityManager, hsaId: string): Promise<string | null> {
  return (await em.findOne(Clinician, { hsaId }, { fields: ['id'] }))?.id ?? null;
}
