/** The demo data of `npm start`, in its order; the demo page test (test/e2e/demo.e2e.test.ts) seeds the same way. */
import type { Client } from '@temporalio/client';
import type { FinanceSettings } from '../config';
import type { Orm } from '../db/orm';
import { seedDemoData } from '../db/seed';
import { stockholmDateOf } from '../domain/dates';
import { seedDemoEncounters } from './demo-encounters';
import { HistoryCounts, seedDemoHistory } from './demo-history';
import { startDemoInvoiceWorkflows, writeDemoBgMaxSample } from './demo-invoices';

/**
 * What needs only the database, so it can run while the worker and web start: units, clinicians,
 * patients, staff and slots (db/seed.ts), then months of history (scripts/demo-history.ts).
 */
export async function seedDemoRecords(
  orm: Orm,
  opts: { now: Date; finance: FinanceSettings },
): Promise<{ slots: number; history: HistoryCounts | null; historyMs: number }> {
  const { slots } = await seedDemoData(orm.em.fork(), stockholmDateOf(opts.now));
  const t = Date.now();
  const history = await seedDemoHistory(orm, opts);
  return { slots, history, historyMs: Date.now() - t };
}

/**
 * What needs Temporal: the live demo encounters and message thread, a workflow for each open invoice,
 * and the BgMax sample paying those invoices (written to `sampleFile`).
 */
export async function seedDemoWorkflows(
  orm: Orm,
  temporal: Client,
  opts: { taskQueue: string; finance: FinanceSettings; sampleFile: string; now: Date },
) {
  const encounters = await seedDemoEncounters(orm, temporal, opts.taskQueue);
  const invoiceWorkflows = await startDemoInvoiceWorkflows(orm, temporal, opts.taskQueue);
  const sample = await writeDemoBgMaxSample(orm, opts.sampleFile, {
    bankgiro: opts.finance.bankgiro,
    today: stockholmDateOf(opts.now),
  });
  return { encounters, invoiceWorkflows, sample };
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
