/** Finance in tests: a no-show encounter's invoice (a quick way to a real one), and waiting for invoice rows. */
import type { WorkflowHandle } from '@temporalio/client';
import { findInvoice, findInvoiceByKey } from '../../db/invoices';
import * as m from '../../workflows/encounter.messages';
import { book, startEncounter, throughIdentity } from '../../testkit/drive';
import type { TestContext } from '../../testkit/env';
import type { Fixture } from '../../testkit/fixtures';
import { waitFor } from '../../testkit/wait';

/** An invoice as the tests compare it (the table's column names). */
export interface InvoiceRow {
  id: string;
  number: string;
  series: string;
  ocr: string | null;
  amount_ore: number;
  paid_ore: number;
  credited_ore: number;
  status: string;
  issue_date: string;
  due_date: string | null;
  document_html: string;
  billing_key: string;
}

/** Polls until the invoice of `where` exists and matches `pred`. */
export async function waitForInvoice(
  ctx: TestContext,
  where: { billingKey: string } | { id: string },
  pred: (r: InvoiceRow) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<InvoiceRow> {
  let last: InvoiceRow | undefined;
  return waitFor(
    async () => {
      const em = ctx.orm.em.fork();
      const inv = 'id' in where ? await findInvoice(em, where.id) : await findInvoiceByKey(em, where.billingKey);
      last = inv
        ? {
            id: inv.id,
            number: String(inv.number),
            series: inv.series,
            ocr: inv.ocr ?? null,
            amount_ore: inv.amountOre,
            paid_ore: inv.paidOre,
            credited_ore: inv.creditedOre,
            status: inv.status,
            issue_date: inv.issueDate,
            due_date: inv.dueDate ?? null,
            document_html: inv.documentHtml,
            billing_key: inv.billingKey,
          }
        : undefined;
      return last && pred(last) && last;
    },
    `invoice ${'id' in where ? where.id : where.billingKey}`,
    { timeoutMs, intervalMs: 200, detail: () => (last ? `stayed ${last.status}` : 'never issued') },
  );
}

/** The state keeps each charge as the fee activity returned it, with its id. */
export const chargesOf = async (handle: WorkflowHandle) =>
  (await handle.query(m.stateQuery)).charges as Array<{
    kind: string;
    chargeId: string;
    chargeOre: number;
    reason: string;
    freeCardIssued: boolean;
  }>;

/** The adult misses a booked meeting: a 400 kr no-show charge (Stockholm) and its invoice. */
export async function noShowInvoice(
  ctx: TestContext,
  f: Fixture,
  policy: Partial<m.EncounterPolicy> = {},
): Promise<{ chargeId: string; invoice: InvoiceRow }> {
  const { handle } = await startEncounter(ctx, f, f.adultId, { noShowGraceSeconds: 1, ...policy });
  await throughIdentity(handle, f);
  // Short slots, so one clinician's encounters one after the other never overlap.
  await book(ctx, handle, f, { inSeconds: 2, minutes: 0.05 });
  const result = await handle.result();
  if (result.status !== 'no-show') throw new Error(`expected a no-show, got ${result.status}`);
  const [charge] = await chargesOf(handle);
  return { chargeId: charge.chargeId, invoice: await waitForInvoice(ctx, { billingKey: `charge:${charge.chargeId}` }) };
}
