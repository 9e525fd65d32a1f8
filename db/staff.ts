/** Staff and their roles: who may do what, looked up by the HSA-id the IdP vouches for. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Clinician, Staff, StaffRole, StaffRoleName } from './entities';
import { insertIgnore } from './insert';

export interface StaffGrant {
  role: StaffRoleName;
  /** null: every care unit. */
  careUnitId: string | null;
}

export interface StaffMember {
  id: string;
  hsaId: string;
  name: string;
  title: string;
  grants: StaffGrant[];
  /** The bookable clinician with the same HSA-id, when there is one. */
  clinicianId: string | null;
}

/** An active member of staff with their grants, or null (unknown or deactivated HSA-id). */
export async function findStaffByHsaId(em: EntityManager, hsaId: string): Promise<StaffMember | null> {
  const staff = await em.findOne(Staff, { hsaId, active: true });
  if (!staff) return null;
  const roles = await em.find(StaffRole, { staffId: staff.id }, { orderBy: { id: 'asc' } });
  const clinician = await em.findOne(Clinician, { hsaId }, { fields: ['id'] });
  return {
    id: staff.id,
    hsaId,
    name: `${staff.givenName} ${staff.familyName}`,
    title: staff.title,
    grants: roles.map((r) => ({ role: r.role, careUnitId: r.careUnitId ?? null })),
    clinicianId: clinician?.id ?? null,
  };
}

/** Inserts staff and grants that are missing (demo and test data). */
export async function ensureStaff(
  em: EntityManager,
  staff: Array<Pick<Staff, 'id' | 'hsaId' | 'givenName' | 'familyName' | 'title'> & { grants: StaffGrant[] }>,
): Promise<void> {
  await insertIgnore(
    em,
    Staff,
    staff.map(({ grants: _grants, ...s }) => s),
  );
  await insertIgnore(
    em,
    StaffRole,
    staff.flatMap((s) => s.grants.map((g) => ({ staffId: s.id, role: g.role, careUnitId: g.careUnitId }))),
  );
}
