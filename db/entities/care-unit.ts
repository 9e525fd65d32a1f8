/** A care unit (vårdenhet): its region sets the fees, its age limits the fee exemptions. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt } from './columns';
import type { ReminderPolicy } from '../../domain/reminders';

export const REGIONS = ['stockholm', 'vgr'] as const;
export type Region = (typeof REGIONS)[number];
/** How a unit's charges are invoiced: each visit on its own, one invoice a month (RULES.md §2), or by another system. */
export const INVOICING = ['per-encounter', 'monthly', 'external'] as const;
export type Invoicing = (typeof INVOICING)[number];

export class CareUnit {
  id!: string;
  name!: string;
  hsaId!: string;
  region!: Region;
  freeBelowAge!: number;
  freeFromAge!: number;
  invoicing: Invoicing = 'per-encounter';
  /** The unit's reminders (issue 27); null: the default policy (domain/reminders.ts). */
  reminderPolicy?: ReminderPolicy | null;
  /** The unit's SMS number for a patient waiting unnoticed (E.164). */
  phone?: string | null;
  createdAt: Date = new Date();
}

export const CareUnitSchema = new EntitySchema<CareUnit>({
  class: CareUnit,
  tableName: 'care_unit',
  checks: [
    { name: 'care_unit_free_below_age_check', expression: 'free_below_age >= 0' },
    { name: 'care_unit_free_from_age_check', expression: 'free_from_age > 0' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    hsaId: { type: 'text', unique: true },
    region: { enum: true, items: () => REGIONS },
    freeBelowAge: { type: 'integer' },
    freeFromAge: { type: 'integer' },
    invoicing: { enum: true, items: () => INVOICING, default: 'per-encounter' },
    reminderPolicy: { type: 'json', nullable: true },
    phone: { type: 'text', nullable: true },
    createdAt,
  },
});
