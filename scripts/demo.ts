/** The demo data of `npm start` besides db/seed.ts's, in its order; the demo page test (test/e2e/demo.e2e.test.ts) seeds the same way. */
import type { Client } from '@temporalio/client';
import type { FinanceSettings } from '../config';
import type { Orm } from '../db/orm';
import { stockholmDateOf } from '../domain/dates';
import { seedDemoEncounters } from './demo-encounters';
import { HistoryCounts, seedDemoHistory } from './demo-history';
import { startDemoInvoiceWorkflows, writeDemoBgMaxSample } from './demo-invoices';

/**
 * Once the worker runs (after db/seed.ts's `seedDemoData`): the months of history, written beside
 * the live demo encounters and message thread (which wait on Temporal, the history on PostgreSQL);
 * then a workflow for each open invoice, and the BgMax sample paying those invoices (to `sampleFile`).
 */
export async function seedDemo(
  orm: Orm,
  temporal: Client,
  opts: { taskQueue: string; finance: FinanceSettings; sampleFile: string; now: Date },
) {
  const t = Date.now();
  const [{ history, historyMs }, encounters] = await Promise.all([
    seedDemoHistory(orm, opts).then((history) => ({ history, historyMs: Date.now() - t })),
    seedDemoEncounters(orm, temporal, opts.taskQueue),
  ]);
  const invoiceWorkflows = await startDemoInvoiceWorkflows(orm, temporal, opts.taskQueue);
  const sample = await writeDemoBgMaxSample(orm, opts.sampleFile, {
    bankgiro: opts.finance.bankgiro,
    today: stockholmDateOf(opts.now),
  });
  return { history, historyMs, encounters, invoiceWorkflows, sample };
}

/** One line for the start-up log: what the history holds. */
export function describeHistory(h: HistoryCounts): string {
  const e = h.encounters;
  const inv = Object.entries(h.invoices)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return (
    `${e.closed} closed, ${e['no-show']} no-show, ${e.cancelled + e['referred-to-physical'] + e['identity-failed']} other encounters; ` +
    `${h.charges} charges, ${h.freeCards} free card; invoices ${inv}; ${h.payments.matched + h.payments.unmatched} payments imported; ` +
    `${h.deviations.new + h.deviations.under_review + h.deviations.closed} deviations; ${h.threads} answered threads`
  );
}
