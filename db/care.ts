/** Care units and clinicians: the catalogue every booking and fee reads. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CareUnit, Clinician } from './entities';
import { insertIgnore } from './insert';

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

/** Inserts units and clinicians that are missing (demo and test data). */
export async function ensureCare(
  em: EntityManager,
  units: Array<Omit<CareUnit, 'createdAt' | 'invoicing'> & Partial<Pick<CareUnit, 'invoicing'>>>,
  clinicians: Array<Omit<Clinician, 'createdAt'>>,
): Promise<void> {
  await insertIgnore(em, CareUnit, units);
  await insertIgnore(em, Clinician, clinicians);
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
