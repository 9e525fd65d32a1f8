/** A patient's high-cost protection period (högkostnadsskydd): paid so far and the free card, if any. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, day, ref } from './columns';

export class HighCostPeriod {
  id!: string;
  patientId!: string;
  startDate!: string;
  paidOre!: number;
  freeCardUntil?: string | null;
  updatedAt: Date = new Date();
}

export const HighCostPeriodSchema = new EntitySchema<HighCostPeriod>({
  class: HighCostPeriod,
  tableName: 'high_cost_period',
  uniques: [{ properties: ['patientId', 'startDate'] }],
  checks: [{ name: 'high_cost_period_paid_ore_check', expression: 'paid_ore >= 0' }],
  properties: {
    id: { type: 'uuid', primary: true },
    patientId: ref('Patient', 'patient_id'),
    startDate: day,
    paidOre: { type: 'integer' },
    freeCardUntil: { ...day, nullable: true },
    updatedAt: createdAt,
  },
});
