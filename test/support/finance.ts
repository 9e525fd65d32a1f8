/** Finance in tests: a no-show encounter's invoice (a quick way to a real one), and waiting for invoice rows. */
import type { WorkflowHandle } from '@temporalio/client';
import * as m from '../../workflows/encounter.messages';
import { admin, startEncounter, throughIdentity } from './encounters';
import type { TestContext } from './env';
import { Fixture, makeSlot } from './fixtures';

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
const COLS = `id, number, series, ocr, amount_ore, paid_ore, credited_ore, status, billing_key, document_html,
  to_char(issue_date, 'YYYY-MM-DD') as issue_date, to_char(due_date, 'YYYY-MM-DD') as due_date`;

/** Polls the invoice table until `where` finds a row matching `pred`. */
export async function waitForInvoice(
  ctx: TestContext,
  where: { billingKey: string } | { id: string },
  pred: (r: InvoiceRow) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<InvoiceRow> {
  const [col, value] = 'id' in where ? ['id', where.id] : ['billing_key', where.billingKey];
  const deadline = Date.now() + timeoutMs;
  let last: InvoiceRow | undefined;
  for (;;) {
    [last] = await ctx.orm.em.fork().execute<InvoiceRow[]>(`select ${COLS} from invoice where ${col} = ?`, [value]);
    if (last && pred(last)) return last;
    if (Date.now() > deadline) throw new Error(`invoice ${value}: ${last ? `stayed ${last.status}` : 'never issued'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
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
  const slot = await makeSlot(ctx.orm, f.clinicianId, 2, 0.05);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const result = await handle.result();
  if (result.status !== 'no-show') throw new Error(`expected a no-show, got ${result.status}`);
  const [charge] = await chargesOf(handle);
  return { chargeId: charge.chargeId, invoice: await waitForInvoice(ctx, { billingKey: `charge:${charge.chargeId}` }) };
}
