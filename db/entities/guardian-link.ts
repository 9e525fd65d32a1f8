/** A guardian's (vårdnadshavare) link to a child; a provider may block it (RULES.md §4). */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export class GuardianLink {
  id!: string;
  guardianId!: string;
  childId!: string;
  blocked = false;
  blockedReason?: string | null;
  createdAt: Date = new Date();
}

export const GuardianLinkSchema = new EntitySchema<GuardianLink>({
  class: GuardianLink,
  tableName: 'guardian_link',
  uniques: [{ properties: ['guardianId', 'childId'] }],
  checks: [{ name: 'guardian_link_check', expression: 'guardian_id <> child_id' }],
  properties: {
    id: { type: 'uuid', primary: true },
    guardianId: ref('Patient', 'guardian_id'),
    childId: ref('Patient', 'child_id'),
    blocked: { type: 'boolean', default: false },
    blockedReason: { type: 'text', nullable: true },
    createdAt,
  },
});
