/** Ekonomi's invoices: a month's totals per unit with a chart, the invoice list, one invoice, its document and PDF, waiving a charge. */
import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { logAccess, shownPatients, onRecord } from '../http/audit';
import { toHttp } from '../http/errors';
import { optional, optionalDay, optionalMonth } from '../http/forms';
import type { Caller } from '../http/guards';
import type { InvoiceScope } from './invoice-guard';
import { INVOICE_STATUSES } from '../../db/entities';
import { listCareUnits } from '../../db/care';
import { invoiceStatusCounts, monthTotals } from '../../db/finance';
import { creditNotesOf, findInvoice, invoiceLines, listInvoices, paymentsOf } from '../../db/invoices';
import { countUnmatchedPayments } from '../../db/payments';
import { findPatient } from '../../db/people';
import { stackedBars } from '../../admin-ui/charts';
import { INVOICE_STATUS_LABELS, MATCH_LABELS, sv, waiveRefusalLabel } from '../../domain/labels';
import { stockholmDateOf } from '../../domain/dates';
import { invoiceLabel, remainingOre } from '../../domain/invoices';
import type { PdfRenderer } from '../../documents/pdf';
import { waiveCharge } from './service';

const Filter = z.object({
  status: optional(z.enum(INVOICE_STATUSES)),
  careUnitId: optional(z.string().uuid()),
  from: optionalDay,
  to: optionalDay,
});
const MonthQuery = z.object({ month: optionalMonth });
const Waive = z.object({
  chargeId: z.string().uuid(),
  reason: z.string().trim().min(3, 'skriv varför avgiften avskrivs').max(500),
});

const kr = (ore: number) => Math.round(ore / 100);

export function invoicePages({ temporal }: Pick<AppDeps, 'temporal'>, pdf: PdfRenderer) {
  const showInvoice = async (
    req: Request,
    res: express.Response,
    { inv }: InvoiceScope,
    extra: { error?: string; notice?: string } = {},
  ) => {
    const [lines, payments, patient, payer] = [
      await invoiceLines(req.em, inv.id),
      await paymentsOf(req.em, inv.id),
      await findPatient(req.em, inv.patientId),
      await findPatient(req.em, inv.payerId),
    ];
    const { notes, creditedChargeIds } = await creditNotesOf(req.em, inv.id);
    const original = inv.creditsInvoiceId ? await findInvoice(req.em, inv.creditsInvoiceId) : null;
    await logAccess(req, onRecord('invoice', inv, 'read'));
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

  const overview = async (req: Request, res: express.Response, { units: scope }: Caller) => {
    const month = MonthQuery.parse(req.query).month ?? stockholmDateOf(new Date()).slice(0, 7);
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
  const invoices = async (req: Request, res: express.Response, { units: scope }: Caller) => {
    const f = Filter.parse(req.query);
    const rows = await listInvoices(req.em, {
      ...f,
      careUnitIds: f.careUnitId ? (scope && !scope.includes(f.careUnitId) ? [] : [f.careUnitId]) : scope,
    });
    await logAccess(req, {
      action: 'list',
      target: 'admin:invoices',
      patientIds: shownPatients(rows),
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
  const invoiceDocument = async (req: Request, res: express.Response, { inv }: InvoiceScope) => {
    await logAccess(req, onRecord('invoice-document', inv, 'read'));
    res
      .set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
      .type('html')
      .send(inv.documentHtml);
  };
  const invoicePdf = async (req: Request, res: express.Response, { inv }: InvoiceScope) => {
    const file = await pdf.render(inv.documentHtml);
    await logAccess(req, onRecord('invoice-pdf', inv, 'read'));
    res
      .type('application/pdf')
      .set('content-disposition', `inline; filename="${invoiceLabel(inv.series, inv.number)}.pdf"`)
      .send(file);
  };
  const waive = async (req: Request, res: express.Response, scope: InvoiceScope) => {
    const { inv } = scope;
    const form = Waive.safeParse(req.body);
    if (!form.success) {
      res.status(400);
      return showInvoice(req, res, scope, { error: form.error.issues[0].message });
    }
    try {
      const note = await waiveCharge(req, temporal, inv, form.data);
      return showInvoice(req, res, scope, { notice: `Avgiften är avskriven med kreditfaktura ${note.label}.` });
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      res.status(status);
      return showInvoice(req, res, scope, { error: waiveRefusalLabel(body.error) });
    }
  };
  return { showInvoice, overview, invoices, invoiceDocument, invoicePdf, waive };
}
