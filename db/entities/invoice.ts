/** An invoice or a credit note to the payer of a patient's charges; amounts in öre, credit notes negative. */
import { BigIntType, EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, day, optionalTime, ref } from './columns';

export const INVOICE_KINDS = ['invoice', 'credit-note'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const INVOICE_STATUSES = [
  'open',
  'partly-paid',
  'paid',
  'overpaid',
  'reminded',
  'overdue',
  'credited',
  'credit-note',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export class Invoice {
  [OptionalProps]?: 'createdAt' | 'paidOre' | 'creditedOre';
  id!: string;
  series!: string;
  number!: number;
  kind!: InvoiceKind;
  creditsInvoiceId?: string | null;
  /** The billing workflow's key: one invoice per key, so a retried issue never issues twice. */
  billingKey!: string;
  patientId!: string;
  /** Who pays: the patient, or a guardian for a child (RULES.md §2: never invoice the child). */
  payerId!: string;
  careUnitId!: string;
  issueDate!: string;
  dueDate?: string | null;
  ocr?: string | null;
  amountOre!: number;
  paidOre = 0;
  creditedOre = 0;
  status!: InvoiceStatus;
  remindedAt?: Date | null;
  overdueAt?: Date | null;
  closedAt?: Date | null;
  documentHtml!: string;
  createdAt: Date = new Date();
}

export const InvoiceSchema = new EntitySchema<Invoice>({
  class: Invoice,
  tableName: 'invoice',
  uniques: [{ name: 'invoice_series_number_key', properties: ['series', 'number'] }],
  indexes: [
    { name: 'invoice_status_idx', expression: 'create index invoice_status_idx on invoice (status, issue_date desc)' },
    {
      name: 'invoice_unit_idx',
      expression: 'create index invoice_unit_idx on invoice (care_unit_id, issue_date desc)',
    },
    {
      name: 'invoice_patient_idx',
      expression: 'create index invoice_patient_idx on invoice (patient_id, issue_date desc)',
    },
  ],
  checks: [
    { name: 'invoice_credited_ore_check', expression: 'credited_ore >= 0' },
    {
      name: 'invoice_amount_check',
      expression: "(kind = 'invoice' and amount_ore >= 0) or (kind = 'credit-note' and amount_ore < 0)",
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    series: ref('InvoiceSeries', 'series'),
    number: { type: new BigIntType('number') },
    kind: { enum: true, items: () => INVOICE_KINDS },
    creditsInvoiceId: ref('Invoice', 'credits_invoice_id', { nullable: true }),
    billingKey: { type: 'text', unique: true },
    patientId: ref('Patient', 'patient_id'),
    payerId: ref('Patient', 'payer_id'),
    careUnitId: ref('CareUnit', 'care_unit_id'),
    issueDate: day,
    dueDate: { ...day, nullable: true },
    ocr: { type: 'text', nullable: true, unique: true },
    amountOre: { type: 'integer' },
    paidOre: { type: 'integer', default: 0 },
    creditedOre: { type: 'integer', default: 0 },
    status: { enum: true, items: () => INVOICE_STATUSES },
    remindedAt: optionalTime,
    overdueAt: optionalTime,
    closedAt: optionalTime,
    documentHtml: { type: 'text' },
    createdAt,
  },
});
