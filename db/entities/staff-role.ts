/** One role of a member of staff, in one care unit or (unit null) in all of them. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { ref } from './columns';

export const STAFF_ROLES = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'] as const;
export type StaffRoleName = (typeof STAFF_ROLES)[number];

export class StaffRole {
  [OptionalProps]?: 'id';
  id!: string;
  staffId!: string;
  role!: StaffRoleName;
  careUnitId?: string | null;
}

export const StaffRoleSchema = new EntitySchema<StaffRole>({
  class: StaffRole,
  tableName: 'staff_role',
  indexes: [
    { name: 'staff_role_staff_idx', properties: ['staffId'] },
    {
      name: 'staff_role_once',
      expression:
        "create unique index staff_role_once on staff_role (staff_id, role, coalesce(care_unit_id, '00000000-0000-0000-0000-000000000000'::uuid))",
    },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    staffId: ref('Staff', 'staff_id'),
    role: { enum: true, items: () => STAFF_ROLES },
    careUnitId: ref('CareUnit', 'care_unit_id', { nullable: true }),
  },
});
