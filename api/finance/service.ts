/**
 * Finance actions shared by the pages and the API: importing a BgMax file (parse, reconcile, store,
 * once per file and once per payment), matching a payment by hand, and waiving a charge.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { BgmaxImport, Payment } from '../../db/entities';
import { findInvoice, findInvoiceByOcrOrNumber, updateInvoice } from '../../db/invoices';
import {
  findImportBySha,
  insertImport,
  insertPayments,
  invoicesByOcr,
  knownPaymentKeys,
  lockPayment,
} from '../../db/payments';
import { BgMaxFile, InvalidBgMaxError, parseBgMax } from '../../domain/bgmax';
import { bareOcr } from '../../domain/ocr';
import { IncomingPayment, reconcile } from '../../domain/reconcile';
import { balanceChangedSignal, invoiceWorkflowId, waiveChargeUpdate } from '../../workflows/invoice.messages';
import { isConstraintViolation } from '../../activities/errors';
import { unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { HttpError, toHttp } from '../http/errors';

export type ImportSummary = Omit<BgmaxImport, 'importedAt' | 'fileSha256'> & { importedAt?: Date };

export interface ImportResult {
  importId: string;
  alreadyImported: boolean;
  summary: ImportSummary;
}

/** A payment's identity across files: receiver bankgiro, day and Bankgirot's serial (position in the deposit if blank). */
function paymentKeys(file: BgMaxFile): Array<IncomingPayment & { deposit: number; index: number }> {
  const out: Array<IncomingPayment & { deposit: number; index: number }> = [];
  file.deposits.forEach((d, di) =>
    d.payments.forEach((p, pi) => {
      const serial = p.bgcSerial.trim() || `${d.depositSerial.trim()}#${pi}:${p.reference}:${p.amountOre}`;
      out.push({
        key: `${d.receiverBankgiro}:${d.paymentDate}:${serial}`,
        reference: p.reference,
        referenceCode: p.referenceCode,
        amountOre: p.amountOre,
        deposit: di,
        index: pi,
      });
    }),
  );
  return out;
}

/** Tells each touched invoice's workflow to look at its balance again; a closed one needs nothing. */
async function nudge(temporal: Client, billingKeys: Iterable<string>): Promise<void> {
  await Promise.all(
    [...new Set(billingKeys)].map((k) =>
      temporal.workflow
        .getHandle(invoiceWorkflowId(k))
        .signal(balanceChangedSignal)
        .catch(() => undefined),
    ),
  );
}

/**
 * Imports one BgMax file: the same file again (by SHA-256) returns the first import's summary and
 * changes nothing; a payment already known from another file is counted as a duplicate and not
 * stored again. Matched + unmatched + duplicates = the file's total, in count and in öre.
 * @param bytes - the file as received; BgMax is Latin-1
 */
export async function importBgMax(
  req: Request,
  temporal: Client,
  file: { name: string; bytes: Buffer },
): Promise<ImportResult> {
  const by = byWhom(req);
  const sha = createHash('sha256').update(file.bytes).digest('hex');
  const earlier = await findImportBySha(req.em, sha);
  if (earlier) return { importId: earlier.id, alreadyImported: true, summary: earlier };
  let parsed: BgMaxFile;
  try {
    parsed = parseBgMax(file.bytes.toString('latin1'));
  } catch (err) {
    if (err instanceof InvalidBgMaxError)
      throw new HttpError(400, `file: line ${err.line}: ${err.reason}: ${err.message}`, 'file', 'invalid-bgmax');
    throw err;
  }
  const incoming = paymentKeys(parsed);
  const importId = randomUUID();
  const touched: string[] = [];
  let summary: ImportSummary;
  try {
    summary = await req.em.transactional(async (tx) => {
      const known = await knownPaymentKeys(
        tx,
        incoming.map((p) => p.key),
      );
      const ocrs = [...new Set(incoming.filter((p) => p.referenceCode === 2).map((p) => bareOcr(p.reference)))];
      const invoices = await invoicesByOcr(tx, ocrs);
      const rec = reconcile(
        invoices.map((i) => ({ id: i.id, ocr: i.ocr!, amountOre: i.amountOre - i.creditedOre, paidOre: i.paidOre })),
        incoming,
        known,
      );
      const counts = { matched: 0, unmatched: 0, duplicate: 0 };
      const rows: Array<Omit<Payment, 'createdAt'>> = [];
      rec.results.forEach((r, n) => {
        if (r.outcome === 'already-imported') return void counts.duplicate++;
        if (r.invoiceId) counts.matched++;
        else counts.unmatched++;
        const src = incoming[n];
        const d = parsed.deposits[src.deposit];
        const p = d.payments[src.index];
        rows.push({
          id: randomUUID(),
          paymentKey: r.key,
          importId,
          kind: p.kind,
          receiverBankgiro: d.receiverBankgiro,
          senderBankgiro: p.senderBankgiro,
          paymentDate: d.paymentDate,
          reference: p.reference,
          referenceCode: p.referenceCode,
          amountOre: p.amountOre,
          payerName: p.payerName ?? null,
          invoiceId: r.invoiceId,
          matched: r.invoiceId ? 'auto' : null,
          matchedBy: null,
          matchedByName: null,
          matchReason: null,
          matchedAt: r.invoiceId ? new Date() : null,
        });
      });
      const row: Omit<BgmaxImport, 'importedAt'> = {
        id: importId,
        fileSha256: sha,
        fileName: file.name.slice(0, 200),
        fileCreatedAt: parsed.createdAt,
        test: parsed.test,
        importedBy: by.id,
        importedByName: by.name,
        paymentCount: incoming.length,
        fileOre: rec.totals.fileOre,
        matchedCount: counts.matched,
        matchedOre: rec.totals.matchedOre,
        unmatchedCount: counts.unmatched,
        unmatchedOre: rec.totals.unmatchedOre,
        duplicateCount: counts.duplicate,
        duplicateOre: rec.totals.alreadyImportedOre,
      };
      await insertImport(tx, row);
      await insertPayments(tx, rows);
      const byId = new Map(invoices.map((i) => [i.id, i]));
      for (const [id, paid] of rec.paid) {
        await updateInvoice(tx, id, { paidOre: paid });
        touched.push(byId.get(id)!.billingKey);
      }
      await logAccess(
        req,
        {
          action: 'import:bgmax',
          target: `bgmax-import:${importId}`,
          patientIds: [...new Set([...rec.paid.keys()].map((id) => byId.get(id)!.patientId))],
          detail: { payments: incoming.length, matched: counts.matched },
        },
        tx,
      );
      return row;
    });
  } catch (err) {
    // Two imports of overlapping files at once: the second meets the first's payments; try again after.
    if (isConstraintViolation(err))
      throw new HttpError(409, 'file: another import with the same payments is running; try again', 'file', 'busy');
    throw err;
  }
  await nudge(temporal, touched);
  return { importId, alreadyImported: false, summary };
}

/** Matches an unmatched payment to an invoice by hand; who and why are kept on the payment and in the log. */
export async function matchPayment(
  req: Request,
  temporal: Client,
  input: { paymentId: string; invoice: string; reason: string },
): Promise<{ invoiceId: string }> {
  const by = byWhom(req);
  const units = unitsFor(req.principal!, ['finance']);
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
      {
        action: 'match:payment',
        target: `invoice:${invoice.id}`,
        patientIds: [invoice.patientId],
        detail: { paymentId: payment.id, reason: input.reason },
      },
      tx,
    );
    return { invoiceId: invoice.id, billingKey: invoice.billingKey };
  });
  await nudge(temporal, [result.billingKey]);
  return { invoiceId: result.invoiceId };
}

/** Waives one charge of an invoice through its workflow, which issues the credit note. */
export async function waiveCharge(
  req: Request,
  temporal: Client,
  input: { invoiceId: string; chargeId: string; reason: string },
): Promise<{ creditNoteId: string; label: string }> {
  const invoice = await findInvoice(req.em, input.invoiceId);
  const units = unitsFor(req.principal!, ['finance', 'care_admin']);
  if (!invoice || (units !== null && !units.includes(invoice.careUnitId)))
    throw new HttpError(404, 'invoice not found', 'invoiceId', 'not-found');
  const target = `invoice:${invoice.id}`;
  try {
    const note = await temporal.workflow
      .getHandle(invoiceWorkflowId(invoice.billingKey))
      .executeUpdate(waiveChargeUpdate, {
        args: [{ chargeId: input.chargeId, reason: input.reason, actor: byWhom(req) }],
      });
    await logAccess(req, {
      action: 'waive:charge',
      target,
      patientIds: [invoice.patientId],
      detail: { chargeId: input.chargeId, creditNote: note.label, reason: input.reason },
    });
    return note;
  } catch (err) {
    const { status, body } = toHttp(err);
    await logAccess(req, {
      action: 'waive:charge',
      target,
      patientIds: [invoice.patientId],
      outcome: 'refused',
      detail: { error: body.error },
    });
    if (err instanceof WorkflowNotFoundError || status >= 500)
      throw new HttpError(409, 'invoice: the invoice is closed and can no longer be changed', 'invoiceId', 'closed');
    throw new HttpError(status, body.message, (body as { field?: string }).field, 'refused');
  }
}

function byWhom(req: Request): { id: string; name: string } {
  const p = req.principal!;
  if (p.kind === 'staff') return { id: p.hsaId, name: p.name };
  if (p.kind === 'machine') return { id: p.clientId, name: `API-klient ${p.clientId}` };
  return { id: 'unknown', name: 'okänd' };
}
