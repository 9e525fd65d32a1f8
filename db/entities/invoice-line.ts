/** One charge on an invoice (credit false) or on the credit note that takes it back (credit true). */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { day, ref } from './columns';

export class InvoiceLine {
  [OptionalProps]?: 'id';
  id!: string;
  invoiceId!: string;
  chargeId!: string;
  credit = false;
  amountOre!: number;
  description!: string;
  visitDate!: string;
}

export const InvoiceLineSchema = new EntitySchema<InvoiceLine>({
  class: InvoiceLine,
  tableName: 'invoice_line',
  uniques: [{ name: 'invoice_line_charge_id_credit_key', properties: ['chargeId', 'credit'] }],
  indexes: [{ name: 'invoice_line_invoice_idx', properties: ['invoiceId'] }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    invoiceId: ref('Invoice', 'invoice_id'),
    chargeId: ref('Charge', 'charge_id'),
    credit: { type: 'boolean', default: false },
    amountOre: { type: 'integer' },
    description: { type: 'text' },
    visitDate: day,
  },
});
