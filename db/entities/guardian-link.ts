/** A guardian's (vårdnadshavare) link to a child; a provider may block it (RULES.md §4). */
import { EntitySchema } from '@mikro-orm/core';

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
  properties: {
    id: { type: 'uuid', primary: true },
    guardianId: { type: 'uuid' },
    childId: { type: 'uuid' },
    blocked: { type: 'boolean' },
    blockedReason: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
