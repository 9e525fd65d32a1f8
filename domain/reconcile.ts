/**
 * Reconciling incoming payments (a BgMax file) with open invoices, pure. A payment with a correct OCR
 * reference (reference code 2, RULES.md §8) that names an invoice is matched to it: paid, partly paid
 * or overpaid. Everything else — another reference code, an unknown OCR, a deduction — is unmatched
 * and goes to a person. A payment already imported (same file-independent identity) changes nothing,
 * so re-importing a file, or an overlapping one, never pays an invoice twice.
 */
import { bareOcr } from './ocr';

export interface InvoiceBalance {
  id: string;
  ocr: string;
  amountOre: number;
  /** What has been paid so far. */
  paidOre: number;
}

export interface IncomingPayment {
  /** Identity across files: receiver bankgiro, payment date, Bankgirot's serial number. */
  key: string;
  reference: string;
  referenceCode: number;
  /** Öre; negative for a deduction. */
  amountOre: number;
}

export type MatchOutcome = 'paid' | 'partly-paid' | 'overpaid' | 'unmatched' | 'already-imported';

export interface Reconciliation {
  results: Array<{ key: string; invoiceId: string | null; outcome: MatchOutcome; amountOre: number }>;
  /** Each touched invoice's paid amount after this import. */
  paid: Map<string, number>;
  totals: { fileOre: number; matchedOre: number; unmatchedOre: number; alreadyImportedOre: number };
}

export function reconcile(
  invoices: InvoiceBalance[],
  payments: IncomingPayment[],
  alreadyImported: ReadonlySet<string>,
): Reconciliation {
  const byOcr = new Map(invoices.map((i) => [bareOcr(i.ocr), i]));
  const paid = new Map<string, number>();
  const seen = new Set(alreadyImported);
  const results: Reconciliation['results'] = [];
  const totals = { fileOre: 0, matchedOre: 0, unmatchedOre: 0, alreadyImportedOre: 0 };
  for (const p of payments) {
    totals.fileOre += p.amountOre;
    if (seen.has(p.key)) {
      totals.alreadyImportedOre += p.amountOre;
      results.push({ key: p.key, invoiceId: null, outcome: 'already-imported', amountOre: p.amountOre });
      continue;
    }
    seen.add(p.key);
    const invoice = p.referenceCode === 2 && p.amountOre > 0 ? byOcr.get(bareOcr(p.reference)) : undefined;
    if (!invoice) {
      totals.unmatchedOre += p.amountOre;
      results.push({ key: p.key, invoiceId: null, outcome: 'unmatched', amountOre: p.amountOre });
      continue;
    }
    const after = (paid.get(invoice.id) ?? invoice.paidOre) + p.amountOre;
    paid.set(invoice.id, after);
    totals.matchedOre += p.amountOre;
    const outcome: MatchOutcome =
      after < invoice.amountOre ? 'partly-paid' : after === invoice.amountOre ? 'paid' : 'overpaid';
    results.push({ key: p.key, invoiceId: invoice.id, outcome, amountOre: p.amountOre });
  }
  return { results, paid, totals };
}
