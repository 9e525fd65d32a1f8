/** One patient fee of an encounter: the visit, a no-show or a late cancellation, at most one of each. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, day, ref } from './columns';

export const CHARGE_KINDS = ['visit', 'no-show', 'late-cancel'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];

export class Charge {
  id!: string;
  encounterId!: string;
  patientId!: string;
  kind!: ChargeKind;
  amountOre!: number;
  listFeeOre!: number;
  reason!: string;
  countsToCeiling!: boolean;
  freeCardIssued = false;
  visitDate!: string;
  createdAt: Date = new Date();
}

export const ChargeSchema = new EntitySchema<Charge>({
  class: Charge,
  tableName: 'charge',
  uniques: [{ properties: ['encounterId', 'kind'] }],
  checks: [
    { name: 'charge_amount_ore_check', expression: 'amount_ore >= 0' },
    { name: 'charge_list_fee_ore_check', expression: 'list_fee_ore >= 0' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    encounterId: ref('Encounter', 'encounter_id'),
    patientId: ref('Patient', 'patient_id'),
    kind: { enum: true, items: () => CHARGE_KINDS },
    amountOre: { type: 'integer' },
    listFeeOre: { type: 'integer' },
    reason: { type: 'text' },
    countsToCeiling: { type: 'boolean' },
    freeCardIssued: { type: 'boolean', default: false },
    visitDate: day,
    createdAt,
  },
});
