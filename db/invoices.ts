/** Invoices, credit notes and their lines: what is billed, to whom, under which gap-free number. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { invoiceStatus } from '../domain/invoices';
import { bareOcr } from '../domain/ocr';
import { careUnitNames } from './care';
import { ageOn } from '../domain/personnummer';
import {
  Charge,
  Encounter,
  GuardianLink,
  Invoice,
  InvoiceLine,
  InvoiceSeries,
  InvoiceStatus,
  Patient,
  Payment,
} from './entities';

/**
 * The charges of a patient at a unit not yet on any invoice: one charge (per-encounter billing) or
 * all created before `createdBefore` (the monthly invoice). Call inside the transaction that bills them.
 */
export async function uninvoicedCharges(
  tx: EntityManager,
  q: { patientId: string; careUnitId: string; chargeId?: string; createdBefore?: Date },
): Promise<Charge[]> {
  const charges = await tx.find(
    Charge,
    {
      patientId: q.patientId,
      ...(q.chargeId ? { id: q.chargeId } : {}),
      ...(q.createdBefore ? { createdAt: { $lt: q.createdBefore } } : {}),
    },
    { orderBy: { visitDate: 'asc', createdAt: 'asc' } },
  );
  if (!charges.length) return [];
  const ids = charges.map((c) => c.id);
  const atUnit = await tx.find(
    Encounter,
    { id: { $in: charges.map((c) => c.encounterId) }, careUnitId: q.careUnitId },
    { fields: ['id'] },
  );
  const billed = await tx.find(InvoiceLine, { chargeId: { $in: ids }, credit: false }, { fields: ['chargeId'] });
  const unit = new Set(atUnit.map((e) => e.id));
  const done = new Set(billed.map((l) => l.chargeId));
  return charges.filter((c) => unit.has(c.encounterId) && !done.has(c.id));
}

/** The next number of `series`, taken under the series row's lock: a rolled-back invoice leaves no gap. */
export async function takeNumber(tx: EntityManager, series: string): Promise<number> {
  const row = await tx.findOneOrFail(InvoiceSeries, { series }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const n = Number(row.nextNumber);
  row.nextNumber = n + 1;
  await tx.flush();
  return n;
}

/** Who pays for the patient on `date`: the patient, or for a child under 18 the first guardian not blocked. */
export async function payerFor(tx: EntityManager, patient: Patient, date: string): Promise<Patient> {
  if (ageOn(patient.personnummer, date) >= 18) return patient;
  const link = await tx.findOne(
    GuardianLink,
    { childId: patient.id, blocked: false },
    { orderBy: { createdAt: 'asc' } },
  );
  return link ? tx.findOneOrFail(Patient, { id: link.guardianId }) : patient;
}

export async function insertInvoice(
  tx: EntityManager,
  invoice: Omit<Invoice, 'createdAt' | 'paidOre' | 'creditedOre'> & { createdAt?: Date },
  lines: Array<Omit<InvoiceLine, 'id' | 'invoiceId'>>,
): Promise<void> {
  await tx.insert(Invoice, invoice);
  if (lines.length)
    await tx.insertMany(
      InvoiceLine,
      lines.map((l) => ({ ...l, invoiceId: invoice.id })),
    );
}

export async function findInvoice(em: EntityManager, id: string): Promise<Invoice | null> {
  return em.findOne(Invoice, { id });
}

export async function findInvoiceByKey(em: EntityManager, billingKey: string): Promise<Invoice | null> {
  return em.findOne(Invoice, { billingKey });
}

export async function invoiceLines(em: EntityManager, invoiceId: string): Promise<InvoiceLine[]> {
  return em.find(InvoiceLine, { invoiceId }, { orderBy: { visitDate: 'asc', id: 'asc' } });
}

/** The invoice's line for a charge, the charge, and whether a credit note has already taken it back. */
export async function chargeOnInvoice(tx: EntityManager, invoiceId: string, chargeId: string) {
  const line = await tx.findOne(InvoiceLine, { invoiceId, chargeId, credit: false });
  if (!line) return null;
  const charge = await tx.findOneOrFail(Charge, { id: chargeId });
  const credited = (await tx.count(InvoiceLine, { chargeId, credit: true })) > 0;
  return { line, charge, credited };
}

/** The credit notes of an invoice, and which of its charges they took back. */
export async function creditNotesOf(em: EntityManager, invoiceId: string) {
  const notes = await em.find(
    Invoice,
    { creditsInvoiceId: invoiceId },
    { orderBy: { number: 'asc' }, exclude: ['documentHtml'] },
  );
  const lines = await em.find(InvoiceLine, { invoiceId: { $in: notes.map((n) => n.id) } }, { fields: ['chargeId'] });
  return { notes, creditedChargeIds: new Set(lines.map((l) => l.chargeId)) };
}

export async function paymentsOf(em: EntityManager, invoiceId: string): Promise<Payment[]> {
  return em.find(Payment, { invoiceId }, { orderBy: { paymentDate: 'asc', createdAt: 'asc' } });
}

/**
 * Locks the invoice, applies a change to its paid/credited amounts or its reminder flags, and
 * recomputes its status from them (domain/invoices.ts). Returns the new status.
 */
export async function updateInvoice(
  tx: EntityManager,
  id: string,
  change: {
    paidOre?: number;
    addPaidOre?: number;
    addCreditedOre?: number;
    reminded?: boolean;
    overdue?: boolean;
    closed?: boolean;
  },
  /** When a reminder, overdue or closing happened: now, or a time of the demo's history. */
  at = new Date(),
): Promise<{ status: InvoiceStatus; billingKey: string }> {
  const inv = await tx.findOneOrFail(Invoice, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (change.paidOre !== undefined) inv.paidOre = change.paidOre;
  if (change.addPaidOre) inv.paidOre += change.addPaidOre;
  if (change.addCreditedOre) inv.creditedOre += change.addCreditedOre;
  if (change.reminded && !inv.remindedAt) inv.remindedAt = at;
  if (change.overdue && !inv.overdueAt) inv.overdueAt = at;
  if (change.closed && !inv.closedAt) inv.closedAt = at;
  inv.status = invoiceStatus({
    kind: inv.kind,
    amountOre: inv.amountOre,
    paidOre: inv.paidOre,
    creditedOre: inv.creditedOre,
    reminded: Boolean(inv.remindedAt),
    overdue: Boolean(inv.overdueAt),
  });
  await tx.flush();
  return { status: inv.status, billingKey: inv.billingKey };
}

export interface InvoiceFilter {
  status?: InvoiceStatus;
  careUnitIds?: string[] | null;
  patientIds?: string[];
  from?: string;
  to?: string;
  kind?: 'invoice' | 'credit-note';
}

/** Invoices newest first (at most 500), with unit and payer names for the list. */
export async function listInvoices(em: EntityManager, f: InvoiceFilter) {
  const rows = await em.find(
    Invoice,
    {
      ...(f.status ? { status: f.status } : {}),
      ...(f.kind ? { kind: f.kind } : {}),
      ...(f.careUnitIds ? { careUnitId: { $in: f.careUnitIds } } : {}),
      ...(f.patientIds ? { patientId: { $in: f.patientIds } } : {}),
      ...(f.from || f.to
        ? { issueDate: { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lte: f.to } : {}) } }
        : {}),
    },
    { orderBy: { issueDate: 'desc', number: 'desc' }, limit: 500, exclude: ['documentHtml'] },
  );
  const people = await names(em, [...rows.map((r) => r.payerId), ...rows.map((r) => r.patientId)]);
  const units = await careUnitNames(em, rows);
  return rows.map((r) => ({
    ...r,
    payerName: people.get(r.payerId) ?? '',
    patientName: people.get(r.patientId) ?? '',
    unitName: units.get(r.careUnitId) ?? '',
  }));
}

async function names(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
  const rows = await em.find(
    Patient,
    { id: { $in: [...new Set(ids)] } },
    { fields: ['id', 'givenName', 'familyName'] },
  );
  return new Map(rows.map((p) => [p.id, `${p.givenName} ${p.familyName}`]));
}

/** The invoice (not a credit note) whose OCR or label matches what a person typed. */
export async function findInvoiceByOcrOrNumber(em: EntityManager, typed: string): Promise<Invoice | null> {
  const t = typed.trim().toUpperCase();
  const m = /^F-?0*(\d+)$/.exec(t);
  if (m) return em.findOne(Invoice, { series: 'F', number: Number(m[1]) });
  if (/^\d{2,25}$/.test(t)) return em.findOne(Invoice, { ocr: bareOcr(t), kind: 'invoice' });
  return null;
}

/** Invoices (not credit notes) still waiting for money: open, partly paid, reminded or overdue; oldest first. */
export async function openInvoices(em: EntityManager): Promise<Array<Omit<Invoice, 'documentHtml'>>> {
  return em.find(
    Invoice,
    { kind: 'invoice', status: { $in: ['open', 'partly-paid', 'reminded', 'overdue'] } },
    { orderBy: { number: 'asc' }, exclude: ['documentHtml'], limit: 1000 },
  );
}

/** Charges with something to pay that are on no invoice yet (a month still being collected), oldest first. */
export async function chargesWithoutInvoice(em: EntityManager): Promise<string[]> {
  const charges = await em.find(Charge, { amountOre: { $gt: 0 } }, { fields: ['id'], orderBy: { createdAt: 'asc' } });
  const billed = new Set(
    (
      await em.find(
        InvoiceLine,
        { chargeId: { $in: charges.map((c) => c.id) }, credit: false },
        { fields: ['chargeId'] },
      )
    ).map((l) => l.chargeId),
  );
  return charges.map((c) => c.id).filter((id) => !billed.has(id));
}
