/** Reading a BgMax file: stored once (by its SHA-256), payments reconciled by OCR, touched invoices told to look again. */
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Client } from '@temporalio/client';
import { BgmaxImport, Payment } from '../../db/entities';
import { updateInvoice } from '../../db/invoices';
import { findImportBySha, insertImport, insertPayments, invoicesByOcr, knownPaymentKeys } from '../../db/payments';
import { BgMaxFile, InvalidBgMaxError, parseBgMax } from '../../domain/bgmax';
import { bareOcr } from '../../domain/ocr';
import { IncomingPayment, reconcile } from '../../domain/reconcile';
import { balanceChangedSignal, invoiceWorkflowId } from '../../workflows/invoice.messages';
import { isConstraintViolation } from '../../activities/errors';
import { logAccess } from '../http/audit';
import { HttpError } from '../http/errors';

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
export async function nudge(temporal: Client, billingKeys: Iterable<string>): Promise<void> {
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
 * Imports one BgMax file (the page's and the API's route): the core below, then each invoice paid
 * by it is told to look at its balance again.
 * @param bytes - the file as received; BgMax is Latin-1
 */
export async function importBgMax(
  req: Request,
  temporal: Client,
  file: { name: string; bytes: Buffer },
): Promise<ImportResult> {
  const { touched, ...result } = await importBgMaxFile(req.em, file, byWhom(req), (tx, e) => logAccess(req, e, tx));
  await nudge(temporal, touched);
  return result;
}

/** The import's access-log row (one per patient whose invoice it paid), in the import's transaction. */
export type ImportLog = (
  tx: EntityManager,
  e: { action: string; target: string; patientIds: string[]; detail: Record<string, unknown> },
) => Promise<void>;

/**
 * Imports one BgMax file: the same file again (by SHA-256) returns the first import's summary and
 * changes nothing; a payment already known from another file is counted as a duplicate and not
 * stored again. Matched + unmatched + duplicates = the file's total, in count and in öre. Returns the
 * billing keys of the invoices it paid (their workflows are to be told).
 * @param at - when it was imported: now, or a time of the demo's history
 */
export async function importBgMaxFile(
  em: EntityManager,
  file: { name: string; bytes: Buffer },
  by: { id: string; name: string },
  log: ImportLog,
  at?: Date,
): Promise<ImportResult & { touched: string[] }> {
  const sha = createHash('sha256').update(file.bytes).digest('hex');
  const earlier = await findImportBySha(em, sha);
  if (earlier) return { importId: earlier.id, alreadyImported: true, summary: earlier, touched: [] };
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
    summary = await em.transactional(async (tx) => {
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
          matchedAt: r.invoiceId ? (at ?? new Date()) : null,
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
      await insertImport(tx, at ? { ...row, importedAt: at } : row);
      await insertPayments(tx, rows);
      const byId = new Map(invoices.map((i) => [i.id, i]));
      for (const [id, paid] of rec.paid) {
        await updateInvoice(tx, id, { paidOre: paid });
        touched.push(byId.get(id)!.billingKey);
      }
      await log(tx, {
        action: 'import:bgmax',
        target: `bgmax-import:${importId}`,
        patientIds: [...new Set([...rec.paid.keys()].map((id) => byId.get(id)!.patientId))],
        detail: { payments: incoming.length, matched: counts.matched },
      });
      return row;
    });
  } catch (err) {
    // Two imports of overlapping files at once: the second meets the first's payments; try again after.
    if (isConstraintViolation(err))
      throw new HttpError(409, 'file: another import with the same payments is running; try again', 'file', 'busy');
    throw err;
  }
  return { importId, alreadyImported: false, summary, touched };
}

/** Who did it, for the payment's record and the invoice workflow. */
export function byWhom(req: Request): { id: string; name: string } {
  const p = req.principal!;
  if (p.kind === 'staff') return { id: p.hsaId, name: p.name };
  if (p.kind === 'machine') return { id: p.clientId, name: `API-klient ${p.clientId}` };
  return { id: 'unknown', name: 'okänd' };
}
