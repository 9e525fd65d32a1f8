/** The invoice guard: `:id`'s invoice, scoped to the units of the roles that admitted the caller. */
import type { Grantee } from '../http/access';
import { notFound } from '../http/errors';
import { roles, type Caller } from '../http/guards';
import type { Guard } from '../http/route';
import { IdParam } from '../encounters/schemas';
import type { Invoice } from '../../db/entities';
import { findInvoice } from '../../db/invoices';

export type InvoiceScope = Caller & { inv: Invoice };

/** `:id`'s invoice, if the units of the admitting roles include its unit; 404 otherwise (never a hint that it exists). */
export function invoiceScoped(...grantees: Grantee[]): Guard<InvoiceScope> {
  const caller = roles(...grantees);
  return {
    grantees,
    scope: async (req) => {
      const c = await caller.scope(req);
      const inv = await findInvoice(req.em, IdParam.parse(req.params).id);
      if (!inv || (c.units && !c.units.includes(inv.careUnitId))) throw notFound('faktura');
      return { ...c, inv };
    },
  };
}
