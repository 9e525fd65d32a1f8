/** A numbering series (F invoices, K credit notes): the next number, taken under the row's lock. */
import { EntitySchema } from '@mikro-orm/core';

export class InvoiceSeries {
  series!: string;
  nextNumber = 1;
}

export const InvoiceSeriesSchema = new EntitySchema<InvoiceSeries>({
  class: InvoiceSeries,
  tableName: 'invoice_series',
  checks: [{ name: 'invoice_series_next_number_check', expression: 'next_number > 0' }],
  properties: {
    series: { type: 'text', primary: true },
    nextNumber: { type: 'bigint', default: 1 },
  },
});
