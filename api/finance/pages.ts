/**
 * Ekonomi, for finance staff: a month's totals per unit with a chart, invoices (filters, one invoice
 * with its document and payments, waiving a charge), unmatched payments and the manual match, BgMax
 * imports with their summaries, and free cards. Also the API import for a bank-file integration.
 */
import express, { Request, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { HttpError, notFound, toHttp } from '../http/errors';
import { optional, optionalDay, optionalMonth } from '../http/forms';
import { IdParam } from '../encounters/schemas';
import type { StaffRoleName } from '../../db/entities';
import { INVOICE_STATUSES } from '../../db/entities';
import { listCareUnits } from '../../db/care';
import { activeFreeCards, invoiceStatusCounts, monthTotals } from '../../db/finance';
import { creditNotesOf, findInvoice, invoiceLines, listInvoices, paymentsOf } from '../../db/invoices';
import {
  countUnmatchedPayments,
  findImport,
  listImports,
  paymentsOfImport,
  unmatchedPayments,
} from '../../db/payments';
import { findPatient } from '../../db/people';
import { stackedBars } from '../../admin-ui/charts';
import { INVOICE_STATUS_LABELS, MATCH_LABELS, sv } from '../../domain/labels';
import { stockholmDateOf } from '../../domain/dates';
import { invoiceLabel, remainingOre } from '../../domain/invoices';
import type { PdfRenderer } from '../../documents/pdf';
import { importBgMax, matchPayment, waiveCharge } from './service';

export const FINANCE: StaffRoleName[] = ['finance'];
/** Care administrators forgive a no-show fee too (the clinic's decision), in their own units. */
export const WAIVERS: StaffRoleName[] = ['finance', 'care_admin'];
const MAX_FILE = 50 * 1024 * 1024;

const Filter = z.object({
  status: optional(z.enum(INVOICE_STATUSES)),
  careUnitId: optional(z.string().uuid()),
  from: optionalDay,
  to: optionalDay,
});
const MonthQuery = z.object({ month: optionalMonth });
const Match = z.object({
  invoice: z.string().trim().min(1, 'ange fakturanummer eller OCR-nummer').max(40),
  reason: z.string().trim().min(3, 'skriv varför betalningen hör till fakturan').max(500),
});
const Waive = z.object({
  chargeId: z.string().uuid(),
  reason: z.string().trim().min(3, 'skriv varför avgiften avskrivs').max(500),
});

/**
 * The import form's one file, parsed only for a caller the route admitted, in memory, bounded in
 * every way multipart can grow (the file, other fields, parts, a field's size, headers).
 */
const oneFile = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_FILE, files: 1, fields: 2, parts: 3, fieldSize: 1024, headerPairs: 20 },
}).single('file');
export const bgmaxUpload: RequestHandler = (req, res, next) =>
  oneFile(req, res, (err) =>
    next(err ? new HttpError(400, `file: ${(err as Error).message}`, 'file', 'validation') : undefined),
  );
/** The API's body: the file as it came. */
export const bgmaxBody = express.raw({ type: () => true, limit: MAX_FILE });

const kr = (ore: number) => Math.round(ore / 100);

/** The finance pages' handlers; `financeRoutes` (routes.ts) says who may call each. */
export function financePages({ temporal }: Pick<AppDeps, 'temporal'>, pdf: PdfRenderer) {
  const units = (req: Request, roles = FINANCE) => unitsFor(req.principal!, roles);

  /** The invoice if the caller's units include its unit, else 404 (never a hint that it exists). */
  const invoiceFor = async (req: Request, roles = FINANCE) => {
    const { id } = IdParam.parse(req.params);
    const inv = await findInvoice(req.em, id);
    const scope = units(req, roles);
    if (!inv || (scope && !scope.includes(inv.careUnitId))) throw notFound('faktura');
    return inv;
  };

  const showInvoice = async (req: Request, res: express.Response, extra: { error?: string; notice?: string } = {}) => {
    const inv = await invoiceFor(req, WAIVERS);
    const [lines, payments, patient, payer] = [
      await invoiceLines(req.em, inv.id),
      await paymentsOf(req.em, inv.id),
      await findPatient(req.em, inv.patientId),
      await findPatient(req.em, inv.payerId),
    ];
    const { notes, creditedChargeIds } = await creditNotesOf(req.em, inv.id);
    const original = inv.creditsInvoiceId ? await findInvoice(req.em, inv.creditsInvoiceId) : null;
    await logAccess(req, { action: 'read', target: `invoice:${inv.id}`, patientIds: [inv.patientId] });
    const open = inv.kind === 'invoice' && !inv.closedAt;
    res.render('finance/invoice', {
      title: `${inv.kind === 'invoice' ? 'Faktura' : 'Kreditfaktura'} ${invoiceLabel(inv.series, inv.number)}`,
      inv,
      ...extra,
      label: invoiceLabel(inv.series, inv.number),
      statusLabel: sv(INVOICE_STATUS_LABELS, inv.status),
      remaining: inv.kind === 'invoice' ? remainingOre(inv) : 0,
      patientName: `${patient!.givenName} ${patient!.familyName}`,
      payerName: `${payer!.givenName} ${payer!.familyName}`,
      lines: lines.map((l) => ({ ...l, waivable: open && l.amountOre > 0 && !creditedChargeIds.has(l.chargeId) })),
      payments: payments.map((p) => ({ ...p, how: sv(MATCH_LABELS, p.matched) })),
      credits: notes.map((c) => ({ ...c, label: invoiceLabel(c.series, c.number) })),
      original: original ? { id: original.id, label: invoiceLabel(original.series, original.number) } : null,
    });
  };

  // The document as sent: self-contained HTML with its own print CSS (no script may run in it).

  const renderPayments = async (
    req: Request,
    res: express.Response,
    extra: { error?: string; notice?: string } = {},
  ) => {
    const rows = await unmatchedPayments(req.em);
    await logAccess(req, { action: 'list', target: 'admin:unmatched-payments' });
    res.render('finance/payments', { title: 'Omatchade betalningar', items: rows, ...extra });
  };

  // A bank-file integration posts the file as it came (Latin-1 bytes); the answer is the summary.

  const overview = async (req: Request, res: express.Response) => {
    const month = MonthQuery.parse(req.query).month ?? stockholmDateOf(new Date()).slice(0, 7);
    const scope = units(req);
    const totals = await monthTotals(req.em, month, scope);
    const counts = await invoiceStatusCounts(req.em, scope);
    const unmatched = await countUnmatchedPayments(req.em);
    await logAccess(req, { action: 'read', target: 'admin:ekonomi', detail: { month } });
    const sum = (k: 'invoicedOre' | 'creditedOre' | 'paidOre' | 'outstandingOre') =>
      totals.reduce((a, t) => a + t[k], 0);
    res.render('finance/overview', {
      title: 'Ekonomi',
      month,
      chart: stackedBars(
        totals.map((t) => ({
          label: t.careUnitName.slice(0, 14),
          values: { paid: kr(t.paidOre), outstanding: kr(t.outstandingOre), credited: kr(t.creditedOre) },
        })),
        [
          { key: 'paid', label: 'Inbetalt (kr)', cls: 's-closed' },
          { key: 'outstanding', label: 'Obetalt (kr)', cls: 's-noshow' },
          { key: 'credited', label: 'Krediterat (kr)', cls: 's-cancelled' },
        ],
        { barWidth: 48, gap: 60 },
      ),
      totals,
      sums: {
        invoicedOre: sum('invoicedOre'),
        creditedOre: sum('creditedOre'),
        paidOre: sum('paidOre'),
        outstandingOre: sum('outstandingOre'),
      },
      counts: INVOICE_STATUSES.filter((s) => s !== 'credit-note').map((s) => ({
        status: s,
        label: INVOICE_STATUS_LABELS[s],
        n: counts[s] ?? 0,
      })),
      unmatched,
    });
  };
  const invoices = async (req: Request, res: express.Response) => {
    const f = Filter.parse(req.query);
    const scope = units(req);
    const rows = await listInvoices(req.em, {
      ...f,
      careUnitIds: f.careUnitId ? (scope && !scope.includes(f.careUnitId) ? [] : [f.careUnitId]) : scope,
    });
    await logAccess(req, {
      action: 'list',
      target: 'admin:invoices',
      patientIds: [...new Set(rows.map((r) => r.patientId))],
    });
    const allUnits = await listCareUnits(req.em);
    res.render('finance/invoices', {
      title: 'Fakturor',
      filter: f,
      items: rows.map((r) => ({
        ...r,
        label: invoiceLabel(r.series, r.number),
        statusLabel: sv(INVOICE_STATUS_LABELS, r.status),
        remainingOre: r.kind === 'invoice' ? remainingOre(r) : 0,
      })),
      statuses: INVOICE_STATUSES.map((s) => ({
        value: s,
        label: INVOICE_STATUS_LABELS[s],
        selected: s === f.status,
      })),
      units: allUnits
        .filter((u) => !scope || scope.includes(u.id))
        .map((u) => ({ value: u.id, label: u.name, selected: u.id === f.careUnitId })),
    });
  };
  const invoiceDocument = async (req: Request, res: express.Response) => {
    const inv = await invoiceFor(req, WAIVERS);
    await logAccess(req, { action: 'read', target: `invoice-document:${inv.id}`, patientIds: [inv.patientId] });
    res
      .set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
      .type('html')
      .send(inv.documentHtml);
  };
  const invoicePdf = async (req: Request, res: express.Response) => {
    const inv = await invoiceFor(req, WAIVERS);
    const file = await pdf.render(inv.documentHtml);
    await logAccess(req, { action: 'read', target: `invoice-pdf:${inv.id}`, patientIds: [inv.patientId] });
    res
      .type('application/pdf')
      .set('content-disposition', `inline; filename="${invoiceLabel(inv.series, inv.number)}.pdf"`)
      .send(file);
  };
  const waive = async (req: Request, res: express.Response) => {
    const inv = await invoiceFor(req, WAIVERS);
    const form = Waive.safeParse(req.body);
    if (!form.success) {
      res.status(400);
      return showInvoice(req, res, { error: form.error.issues[0].message });
    }
    try {
      const note = await waiveCharge(req, temporal, { invoiceId: inv.id, ...form.data });
      return showInvoice(req, res, { notice: `Avgiften är avskriven med kreditfaktura ${note.label}.` });
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      res.status(status);
      return showInvoice(req, res, { error: waiveRefusalSv(body.message) });
    }
  };
  const match = async (req: Request, res: express.Response) => {
    const { id } = IdParam.parse(req.params);
    const form = Match.safeParse(req.body);
    if (!form.success) return renderPayments(req, res.status(400), { error: form.error.issues[0].message });
    try {
      const { invoiceId } = await matchPayment(req, temporal, { paymentId: id, ...form.data });
      res.redirect(303, `/admin/ekonomi/fakturor/${invoiceId}?matchad`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      // The change rolled back with its log row: the refusal is logged on its own.
      await logAccess(req, {
        action: 'match:payment',
        target: `payment:${id}`,
        outcome: 'refused',
        detail: { error: body.error, field: body.field },
      });
      const msg =
        body.field === 'invoice'
          ? 'Ingen faktura med det numret eller OCR-numret i dina enheter.'
          : status === 409
            ? 'Betalningen är redan matchad eller är ett avdrag.'
            : 'Betalningen finns inte.';
      return renderPayments(req, res.status(status), { error: msg });
    }
  };
  const imports = async (req: Request, res: express.Response) => {
    res.render('finance/imports', { title: 'Inläsning av BgMax-filer', items: await listImports(req.em) });
  };
  const upload = async (req: Request, res: express.Response) => {
    const file = req.file;
    if (!file?.buffer?.length) {
      res.status(400);
      return res.render('finance/imports', {
        title: 'Inläsning av BgMax-filer',
        items: await listImports(req.em),
        error: 'Välj en BgMax-fil att läsa in.',
      });
    }
    try {
      const r = await importBgMax(req, temporal, { name: file.originalname, bytes: file.buffer });
      res.redirect(303, `/admin/ekonomi/inlasningar/${r.importId}${r.alreadyImported ? '?redan' : ''}`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      res.status(status).render('finance/imports', {
        title: 'Inläsning av BgMax-filer',
        items: await listImports(req.em),
        error: `Filen kunde inte läsas in: ${body.message}`,
      });
    }
  };
  const importPage = async (req: Request, res: express.Response) => {
    const { id } = IdParam.parse(req.params);
    const imp = await findImport(req.em, id);
    if (!imp) throw notFound('inläsning');
    const payments = await paymentsOfImport(req.em, id);
    await logAccess(req, { action: 'read', target: `bgmax-import:${id}` });
    res.render('finance/import', {
      title: `Inläsning ${imp.fileName}`,
      imp,
      fileCreated: imp.fileCreatedAt.replace('T', ' ').slice(0, 16),
      again: req.query.redan !== undefined,
      payments: payments.map((p) => ({ ...p, how: p.matched ? sv(MATCH_LABELS, p.matched) : 'omatchad' })),
      balanced:
        imp.matchedOre + imp.unmatchedOre + imp.duplicateOre === imp.fileOre &&
        imp.matchedCount + imp.unmatchedCount + imp.duplicateCount === imp.paymentCount,
    });
  };
  const freeCards = async (req: Request, res: express.Response) => {
    const today = stockholmDateOf(new Date());
    const cards = await activeFreeCards(req.em, today, units(req));
    await logAccess(req, {
      action: 'list',
      target: 'admin:free-cards',
      patientIds: cards.map((c) => c.patientId),
    });
    res.render('finance/free-cards', {
      title: 'Frikort',
      items: cards.map((c) => ({
        name: `${c.patient.givenName} ${c.patient.familyName}`,
        birth: `${c.patient.personnummer.slice(0, 8)}-****`,
        startDate: c.startDate,
        paidOre: c.paidOre,
        freeCardUntil: c.freeCardUntil,
      })),
    });
  };
  const apiImport = async (req: Request, res: express.Response) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0)
      throw new HttpError(400, 'file: the body must be the BgMax file', 'file', 'validation');
    const name = typeof req.query.name === 'string' ? req.query.name : 'bgmax.txt';
    const r = await importBgMax(req, temporal, { name, bytes: req.body });
    res.status(r.alreadyImported ? 200 : 201).json(r);
  };
  return {
    showInvoice,
    renderPayments,
    overview,
    invoices,
    invoiceDocument,
    invoicePdf,
    waive,
    match,
    imports,
    upload,
    importPage,
    freeCards,
    apiImport,
  };
}

/** The workflow's refusal of a waiver, in Swedish (its failure type is 'Refused' for several reasons). */
function waiveRefusalSv(message: string): string {
  if (/already credited/.test(message)) return 'Avgiften är redan avskriven.';
  if (/visit fee/.test(message)) return 'En besöksavgift räknas mot högkostnadsskyddet och kan inte avskrivas här.';
  if (/closed/.test(message)) return 'Fakturan är avslutad och kan inte längre ändras.';
  if (/not on this invoice/.test(message)) return 'Avgiften finns inte på fakturan.';
  return 'Avgiften kunde inte avskrivas.';
}
