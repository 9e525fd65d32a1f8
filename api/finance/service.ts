/** Finance actions by a person: matching a payment by hand, and waiving a charge (the BgMax import is in bgmax-import.ts). */
import type { Request } from 'express';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { type Invoice } from '../../db/entities';
import { findInvoiceByOcrOrNumber, updateInvoice } from '../../db/invoices';
import { lockPayment } from '../../db/payments';
import { invoiceWorkflowId, waiveChargeUpdate } from '../../workflows/invoice.messages';
import { logAccess, onRecord } from '../http/audit';
import { HttpError, toHttp } from '../http/errors';

import { byWhom, nudge } from './bgmax-import';

/** Matches an unmatched payment to an invoice by hand; who and why are kept on the payment and in the log. */
export async function matchPayment(
  req: Request,
  temporal: Client,
  input: { paymentId: string; invoice: string; reason: string },
  /** The finance user's units (null: every unit): only their invoices can take the payment. */
  units: string[] | null,
): Promise<{ invoiceId: string }> {
  const by = byWhom(req);
  const result = await req.em.transactional(async (tx) => {
    const invoice = await findInvoiceByOcrOrNumber(tx, input.invoice);
    if (!invoice || (units !== null && !units.includes(invoice.careUnitId)))
      throw new HttpError(404, 'invoice: no invoice with that number or OCR in your units', 'invoice', 'not-found');
    const payment = await lockPayment(tx, input.paymentId);
    if (!payment) throw new HttpError(404, 'payment not found', 'paymentId', 'not-found');
    if (payment.invoiceId) throw new HttpError(409, 'payment: already matched', 'paymentId', 'conflict');
    if (payment.amountOre <= 0)
      throw new HttpError(409, 'payment: a deduction is not matched to an invoice', 'paymentId', 'conflict');
    payment.invoiceId = invoice.id;
    payment.matched = 'manual';
    payment.matchedBy = by.id;
    payment.matchedByName = by.name;
    payment.matchReason = input.reason;
    payment.matchedAt = new Date();
    await tx.flush();
    await updateInvoice(tx, invoice.id, { addPaidOre: payment.amountOre });
    await logAccess(
      req,
      onRecord('invoice', invoice, 'match:payment', { detail: { paymentId: payment.id, reason: input.reason } }),
      tx,
    );
    return { invoiceId: invoice.id, billingKey: invoice.billingKey };
  });
  await nudge(temporal, [result.billingKey]);
  return { invoiceId: result.invoiceId };
}

/** Waives one charge of an invoice (already scoped to the caller's units by its route) through its workflow, which issues the credit note. */
export async function waiveCharge(
  req: Request,
  temporal: Client,
  invoice: Invoice,
  input: { chargeId: string; reason: string },
): Promise<{ creditNoteId: string; label: string }> {
  try {
    const note = await temporal.workflow
      .getHandle(invoiceWorkflowId(invoice.billingKey))
      .executeUpdate(waiveChargeUpdate, {
        args: [{ chargeId: input.chargeId, reason: input.reason, actor: byWhom(req) }],
      });
    await logAccess(
      req,
      onRecord('invoice', invoice, 'waive:charge', {
        detail: { chargeId: input.chargeId, creditNote: note.label, reason: input.reason },
      }),
    );
    return note;
  } catch (err) {
    const { status, body } = toHttp(err);
    await logAccess(
      req,
      onRecord('invoice', invoice, 'waive:charge', { outcome: 'refused', detail: { error: body.error } }),
    );
    if (err instanceof WorkflowNotFoundError || status >= 500)
      throw new HttpError(409, 'invoice: the invoice is closed and can no longer be changed', 'invoiceId', 'closed');
    throw new HttpError(status, body.message, body.field, body.reason ?? 'refused');
  }
}
