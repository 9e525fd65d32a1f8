/** An incoming payment (or deduction) from a BgMax file, matched to an invoice by OCR or by hand, or not yet. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, day, optionalTime, ref } from './columns';

export const PAYMENT_KINDS = ['payment', 'deduction'] as const;
export const MATCH_KINDS = ['auto', 'manual'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export class Payment {
  [OptionalProps]?: 'createdAt';
  id!: string;
  /** Identity across files, so an overlapping file adds nothing twice. */
  paymentKey!: string;
  importId!: string;
  kind!: (typeof PAYMENT_KINDS)[number];
  receiverBankgiro!: string;
  senderBankgiro!: string;
  paymentDate!: string;
  reference!: string;
  referenceCode!: number;
  amountOre!: number;
  payerName?: string | null;
  invoiceId?: string | null;
  matched?: MatchKind | null;
  matchedBy?: string | null;
  matchedByName?: string | null;
  matchReason?: string | null;
  matchedAt?: Date | null;
  createdAt: Date = new Date();
}

export const PaymentSchema = new EntitySchema<Payment>({
  class: Payment,
  tableName: 'payment',
  indexes: [
    { name: 'payment_invoice_idx', properties: ['invoiceId'] },
    {
      name: 'payment_unmatched_idx',
      expression: 'create index payment_unmatched_idx on payment (payment_date) where invoice_id is null',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    paymentKey: { type: 'text', unique: true },
    importId: ref('BgmaxImport', 'import_id'),
    kind: { enum: true, items: () => PAYMENT_KINDS },
    receiverBankgiro: { type: 'text' },
    senderBankgiro: { type: 'text' },
    paymentDate: day,
    reference: { type: 'text' },
    referenceCode: { type: 'integer' },
    amountOre: { type: 'integer' },
    payerName: { type: 'text', nullable: true },
    invoiceId: ref('Invoice', 'invoice_id', { nullable: true }),
    matched: { enum: true, items: () => MATCH_KINDS, nullable: true },
    matchedBy: { type: 'text', nullable: true },
    matchedByName: { type: 'text', nullable: true },
    matchReason: { type: 'text', nullable: true },
    matchedAt: optionalTime,
    createdAt,
  },
});
