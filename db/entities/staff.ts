/** A member of staff who logs in with SITHS, known by HSA-id; what they may do is in `staff_role`. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt } from './columns';

export class Staff {
  id!: string;
  hsaId!: string;
  givenName!: string;
  familyName!: string;
  title!: string;
  active: boolean = true;
  createdAt: Date = new Date();
}

export const StaffSchema = new EntitySchema<Staff>({
  class: Staff,
  tableName: 'staff',
  properties: {
    id: { type: 'uuid', primary: true },
    hsaId: { type: 'text', unique: true },
    givenName: { type: 'text' },
    familyName: { type: 'text' },
    title: { type: 'text' },
    active: { type: 'boolean', defaultRaw: 'true' },
    createdAt,
  },
});
