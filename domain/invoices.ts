/** Invoices for patient fees (RULES.md §2, §8), pure: terms, numbering, OCR, the monthly window and status. */
import { addDays, parseDate } from './dates';
import { InvalidInputError } from './errors';
import { makeOcrReference } from './ocr';

/** RULES.md §2: an invoice gives the payer at least 30 days (never shorter), in both regions. */
export const MIN_TERMS_DAYS = 30;

/** Series of gap-free numbers: F for invoices, K for credit notes. */
export const SERIES = { invoice: 'F', creditNote: 'K' } as const;

/** The due date `days` after the issue date; terms shorter than 30 days are refused. */
export function dueDateFor(issueDate: string, days: number): string {
  parseDate(issueDate, 'issueDate');
  if (!Number.isInteger(days) || days < MIN_TERMS_DAYS)
    throw new InvalidInputError(`terms must be at least ${MIN_TERMS_DAYS} days, got ${days}`, 'range', 'dueDays');
  return addDays(issueDate, days);
}

/** The OCR reference of invoice number `n`: the number with length and check digits (RULES.md §8). */
export function ocrForInvoice(n: number): string {
  return makeOcrReference(String(n), { lengthDigit: true });
}

/** How staff and payers see a number: F-000123. */
export function invoiceLabel(series: string, n: number): string {
  return `${series}-${String(n).padStart(6, '0')}`;
}

/** The month 'YYYY-MM' a Stockholm day belongs to. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** The first day of the month after `month` ('2026-10' → '2026-11-01'): when a monthly invoice is issued. */
export function firstOfNextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** RULES.md §2: guardians pay for a child under 18, never the child. */
export const PAYER_ADULT_AGE = 18;

export type InvoiceStatus =
  'open' | 'partly-paid' | 'paid' | 'overpaid' | 'reminded' | 'overdue' | 'credited' | 'credit-note';

export interface InvoiceBalanceFacts {
  kind: 'invoice' | 'credit-note';
  amountOre: number;
  paidOre: number;
  creditedOre: number;
  reminded: boolean;
  overdue: boolean;
}

/** What is still to pay: the amount less credit notes less payments (negative when overpaid). */
export const remainingOre = (f: Pick<InvoiceBalanceFacts, 'amountOre' | 'creditedOre' | 'paidOre'>): number =>
  f.amountOre - f.creditedOre - f.paidOre;

/**
 * The status from the invoice's facts. Paid in full (or more) wins over any reminder; a fully
 * credited invoice with nothing paid is credited; otherwise overdue, reminded, partly paid, open.
 */
export function invoiceStatus(f: InvoiceBalanceFacts): InvoiceStatus {
  if (f.kind === 'credit-note') return 'credit-note';
  const net = f.amountOre - f.creditedOre;
  if (f.paidOre > net) return 'overpaid';
  if (net <= 0) return 'credited';
  if (f.paidOre === net) return 'paid';
  if (f.overdue) return 'overdue';
  if (f.reminded) return 'reminded';
  return f.paidOre > 0 ? 'partly-paid' : 'open';
}

/** Settled: nothing more to wait for (paid, overpaid — a refund is a person's job — or credited). */
export const isSettled = (s: InvoiceStatus): boolean =>
  s === 'paid' || s === 'overpaid' || s === 'credited' || s === 'credit-note';
