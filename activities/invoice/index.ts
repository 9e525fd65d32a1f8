/** Invoice activities: issue (gap-free number, OCR, document), send with its PDF, follow the balance, credit a charge. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CHARGE_LABELS, FEE_REASON_LABELS } from '../../domain/labels';
import type { FinanceSettings } from '../../config';
import { findCareUnit } from '../../db/care';
import type { Charge, Invoice, InvoiceLine, Patient } from '../../db/entities';
import { findHighCostPeriod, lockPatient } from '../../db/fees';
import {
  chargeOnInvoice,
  findInvoice,
  findInvoiceByKey,
  insertInvoice,
  invoiceLines,
  payerFor,
  takeNumber,
  uninvoicedCharges,
  updateInvoice,
} from '../../db/invoices';
import type { Orm } from '../../db/orm';
import { findPatient, languageOfPatient, mailAddressFor } from '../../db/people';
import { tr } from '../../domain/i18n';
import { stockholmDateOf } from '../../domain/dates';
import { ceilingFor, periodEnd } from '../../domain/fees';
import { dueDateFor, invoiceLabel, isSettled, ocrForInvoice, remainingOre, SERIES } from '../../domain/invoices';
import type { PdfRenderer } from '../../documents/pdf';
import { InvoiceDocument, renderInvoiceDocument } from '../../documents/render';
import { businessFailure } from '../errors';
import { createDelivery, Mailer } from '../mail';

/** What keeping the books needs: the database, the payee's settings and, for history only, a clock. */
export interface InvoiceBookDeps {
  orm: Orm;
  finance: FinanceSettings;
  /** Issue dates and marks follow this clock; only the demo's history (written after the fact) sets it. */
  now?: () => Date;
}

export interface InvoiceActivityDeps extends InvoiceBookDeps {
  mailer: Mailer;
  pdf: PdfRenderer;
}

export interface IssuedInvoice {
  invoiceId: string;
  label: string;
  amountOre: number;
  dueDate: string;
}

/** The line's text: the charge, and why it is what it is when that is not the whole list fee. */
function lineText(c: Charge): string {
  const base = CHARGE_LABELS[c.kind];
  if (!['partial', 'free-card', 'exempt-age'].includes(c.reason)) return base;
  return `${base} (${FEE_REASON_LABELS[c.reason]}${c.amountOre === 0 ? ', 0 kr' : ''})`;
}

type NewInvoice = Omit<Invoice, 'createdAt' | 'paidOre' | 'creditedOre'>;
type NewLine = Omit<InvoiceLine, 'id' | 'invoiceId'>;

const maskedBirth = (pnr: string) => `${pnr.slice(0, 8)}-****`;
const fullName = (p: Patient) => `${p.givenName} ${p.familyName}`;

/**
 * The document's data for an invoice (title and reminder set by the caller); `lines` when they are
 * at hand (an invoice being issued), else read.
 */
async function documentFor(
  em: EntityManager,
  finance: FinanceSettings,
  inv: NewInvoice,
  lines?: NewLine[],
): Promise<InvoiceDocument> {
  const [patient, payer, unit, period] = [
    (await findPatient(em, inv.patientId))!,
    (await findPatient(em, inv.payerId))!,
    (await findCareUnit(em, inv.careUnitId))!,
    await findHighCostPeriod(em, inv.patientId, inv.issueDate),
  ];
  lines ??= await invoiceLines(em, inv.id);
  const credited = inv.creditsInvoiceId ? await findInvoice(em, inv.creditsInvoiceId) : null;
  const ceiling = period ? ceilingFor(period.startDate) : 0;
  return {
    title: inv.kind === 'credit-note' ? 'Kreditfaktura' : 'Faktura',
    number: invoiceLabel(inv.series, inv.number),
    payee: finance.payee,
    unitName: unit.name,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate ?? null,
    credits: credited ? invoiceLabel(credited.series, credited.number) : null,
    payerName: fullName(payer),
    payerIsGuardian: payer.id !== patient.id,
    patientName: fullName(patient),
    patientBirth: maskedBirth(patient.personnummer),
    lines: lines.map((l) => ({ visitDate: l.visitDate, description: l.description, amountOre: l.amountOre })),
    totalOre: inv.amountOre,
    creditNote: inv.kind === 'credit-note',
    reason: null,
    reminder: false,
    reminderDueDate: null,
    ocr: inv.ocr ?? null,
    bankgiro: finance.bankgiro,
    highCost: period
      ? {
          startDate: period.startDate,
          endDate: periodEnd(period.startDate),
          paidOre: period.paidOre,
          ceilingOre: ceiling,
          remainingOre: Math.max(0, ceiling - period.paidOre),
          freeCardUntil: period.freeCardUntil ?? null,
        }
      : null,
    // The payer reads it: in their language (issue 28), Swedish unless they chose English.
    lang: payer.language ?? 'sv',
  };
}

async function balance(em: EntityManager, invoiceId: string) {
  const inv = await findInvoice(em, invoiceId);
  if (!inv) throw businessFailure('NotFound', `invoice ${invoiceId} does not exist`);
  return {
    status: inv.status,
    settled: isSettled(inv.status),
    remainingOre: remainingOre(inv),
  };
}

/**
 * The invoice's bookkeeping: issue (gap-free number, OCR, document), balance, marks and credit notes.
 * The worker's invoice activities are these and the mailing; the demo's history calls these alone.
 */
export function createInvoiceBooks({ orm, finance, now: clock }: InvoiceBookDeps) {
  const now = clock ?? (() => new Date());
  // Rows keep the database's now unless the history's clock is set.
  const stamped = <T extends object>(row: T) => (clock ? { ...row, createdAt: clock() } : row);
  return {
    /**
     * Bills the patient's uninvoiced charges at the unit — one charge, or all created before the
     * monthly cut-off — on one invoice with the next F number and its OCR. Returns null when there
     * is nothing to pay. Idempotent per billing key: a retry returns the invoice already issued.
     */
    async issueInvoice(input: {
      billingKey: string;
      patientId: string;
      careUnitId: string;
      chargeId?: string;
      createdBefore?: string;
    }): Promise<IssuedInvoice | null> {
      return orm.em.fork().transactional(async (tx) => {
        // The patient's lock orders this after any fee being decided and any other billing of theirs.
        await lockPatient(tx, input.patientId);
        const existing = await findInvoiceByKey(tx, input.billingKey);
        if (existing)
          return {
            invoiceId: existing.id,
            label: invoiceLabel(existing.series, existing.number),
            amountOre: existing.amountOre,
            dueDate: existing.dueDate!,
          };
        const charges = await uninvoicedCharges(tx, {
          patientId: input.patientId,
          careUnitId: input.careUnitId,
          chargeId: input.chargeId,
          createdBefore: input.createdBefore ? new Date(input.createdBefore) : undefined,
        });
        const amountOre = charges.reduce((sum, c) => sum + c.amountOre, 0);
        if (amountOre === 0) return null;
        const issueDate = stockholmDateOf(now());
        const patient = (await findPatient(tx, input.patientId))!;
        const payer = await payerFor(tx, patient, issueDate);
        const number = await takeNumber(tx, SERIES.invoice);
        const invoice: NewInvoice = {
          id: randomUUID(),
          series: SERIES.invoice,
          number,
          kind: 'invoice',
          creditsInvoiceId: null,
          billingKey: input.billingKey,
          patientId: patient.id,
          payerId: payer.id,
          careUnitId: input.careUnitId,
          issueDate,
          dueDate: dueDateFor(issueDate, finance.dueDays),
          ocr: ocrForInvoice(number),
          amountOre,
          status: 'open',
          documentHtml: '',
        };
        const lines = charges.map((c) => ({
          chargeId: c.id,
          credit: false,
          amountOre: c.amountOre,
          description: lineText(c),
          visitDate: c.visitDate,
        }));
        invoice.documentHtml = renderInvoiceDocument(await documentFor(tx, finance, invoice, lines));
        await insertInvoice(tx, stamped(invoice), lines);
        return {
          invoiceId: invoice.id,
          label: invoiceLabel(invoice.series, number),
          amountOre,
          dueDate: invoice.dueDate!,
        };
      });
    },

    /** Where the invoice stands: its status and whether there is anything left to wait for. */
    async invoiceBalance(input: { invoiceId: string }) {
      return balance(orm.em.fork(), input.invoiceId);
    },

    /** Marks the invoice reminded, overdue or closed (each once) and returns its balance. */
    async markInvoice(input: { invoiceId: string; mark: 'reminded' | 'overdue' | 'closed' }) {
      const em = orm.em.fork();
      await em.transactional((tx) => updateInvoice(tx, input.invoiceId, { [input.mark]: true }, now()));
      return balance(em, input.invoiceId);
    },

    /**
     * Waives one charge of the invoice with a credit note (next K number) — never by editing the
     * invoice. Visit fees count towards the high-cost ceiling and are not waived here.
     */
    async creditCharge(input: {
      invoiceId: string;
      chargeId: string;
      reason: string;
      actor: { id: string; name: string };
    }): Promise<{ creditNoteId: string; label: string; amountOre: number }> {
      return orm.em.fork().transactional(async (tx) => {
        const inv = await findInvoice(tx, input.invoiceId);
        if (!inv || inv.kind !== 'invoice') throw businessFailure('NotFound', 'no such invoice', 'invoiceId');
        await lockPatient(tx, inv.patientId);
        const found = await chargeOnInvoice(tx, inv.id, input.chargeId);
        if (!found)
          throw businessFailure('NotFound', 'the charge is not on this invoice', 'chargeId', 'not-on-invoice');
        if (found.credited)
          throw businessFailure('Refused', 'the charge is already credited', 'chargeId', 'already-credited');
        if (found.charge.countsToCeiling)
          throw businessFailure(
            'Refused',
            'a visit fee counts towards the high-cost ceiling and is not waived',
            'chargeId',
            'counts-to-ceiling',
          );
        if (found.line.amountOre === 0)
          throw businessFailure('Refused', 'nothing to credit', 'chargeId', 'nothing-to-credit');
        const number = await takeNumber(tx, SERIES.creditNote);
        const today = stockholmDateOf(now());
        const note: NewInvoice = {
          id: randomUUID(),
          series: SERIES.creditNote,
          number,
          kind: 'credit-note',
          creditsInvoiceId: inv.id,
          billingKey: `credit:${input.chargeId}`,
          patientId: inv.patientId,
          payerId: inv.payerId,
          careUnitId: inv.careUnitId,
          issueDate: today,
          dueDate: null,
          ocr: null,
          amountOre: -found.line.amountOre,
          status: 'credit-note',
          documentHtml: '',
        };
        const lines: NewLine[] = [
          {
            chargeId: input.chargeId,
            credit: true,
            amountOre: -found.line.amountOre,
            description: `${found.line.description}, avskriven`,
            visitDate: found.line.visitDate,
          },
        ];
        note.documentHtml = renderInvoiceDocument({
          ...(await documentFor(tx, finance, note, lines)),
          reason: input.reason,
        });
        await insertInvoice(tx, stamped(note), lines);
        await updateInvoice(tx, inv.id, { addCreditedOre: found.line.amountOre }, now());
        return { creditNoteId: note.id, label: invoiceLabel(SERIES.creditNote, number), amountOre: note.amountOre };
      });
    },
  };
}

/** The worker's invoice activities: the books, and mailing each document with its PDF. */
export function createInvoiceActivities(deps: InvoiceActivityDeps) {
  const { orm, mailer, pdf, finance } = deps;
  const deliver = createDelivery({ orm, mailer });
  return {
    ...createInvoiceBooks(deps),

    /** Mails the invoice, its reminder or a credit note to the payer, with the document as a PDF; once per kind. */
    async sendInvoiceDocument(input: {
      invoiceId: string;
      document: 'invoice' | 'reminder' | 'credit-note';
      reminderDueDate?: string;
    }): Promise<{ outboxId: string; status: string }> {
      const em = orm.em.fork();
      const inv = await findInvoice(em, input.invoiceId);
      if (!inv) throw businessFailure('NotFound', `invoice ${input.invoiceId} does not exist`);
      let html = inv.documentHtml;
      const label = invoiceLabel(inv.series, inv.number);
      if (input.document === 'reminder') {
        const doc = await documentFor(em, finance, inv);
        const remaining = remainingOre(inv);
        html = renderInvoiceDocument({
          ...doc,
          title: 'Betalningspåminnelse',
          reminder: true,
          reminderDueDate: input.reminderDueDate ?? null,
          totalOre: remaining,
        });
      }
      const lang = await languageOfPatient(em, inv.payerId);
      const title = tr(lang, `invoice.title.${input.document}`);
      const to = (await findPatient(em, inv.payerId))?.email ?? (await mailAddressFor(em, inv.patientId));
      const file = await pdf.render(html);
      return deliver(
        `invoice:${inv.id}:${input.document}`,
        { careUnitId: inv.careUnitId, patientId: inv.patientId },
        {
          to: to ?? `payer-${inv.payerId}@invalid.local`,
          subject: tr(lang, 'invoice.subject', { title, label, payee: finance.payee }),
          html,
          text: tr(lang, 'invoice.text', { title, label }),
          attachments: [{ filename: `${label}.pdf`, content: file, contentType: 'application/pdf' }],
        },
      );
    },
  };
}

export type InvoiceActivities = ReturnType<typeof createInvoiceActivities>;
