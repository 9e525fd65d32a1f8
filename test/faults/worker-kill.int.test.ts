/**
 * The worker process is killed (SIGKILL) inside each activity type of an encounter and its invoice,
 * one after another, and a new one started each time; the encounter still ends with exactly one
 * charge, one journal note, one booking, one invitation and one invoice, and no deviation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import * as m from '../../workflows/encounter.messages';
import { makeFixture } from '../../testkit/fixtures';
import { startEncounter } from '../../testkit/drive';
import { driveToClosed, exactlyOnce } from '../../testkit/drive';
import { PATIENT_POLICY, spawnWorker, useFaultContext } from '../support/processes';
import { waitFor } from '../../testkit/wait';
import { HISTORIES_DIR } from '../support/histories';

jest.setTimeout(300_000);

/** The activity types of a recorded invoiced encounter, and those its invoice runs before waiting for payment. */
function activityTypes(): string[] {
  const events = (file: string) =>
    historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))).events ?? [];
  const types = (evs: ReturnType<typeof events>) =>
    evs.flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name!] : [],
    );
  const invoice = events('invoice-paid-after-reminder.json');
  const firstTimer = invoice.findIndex((e) => e.timerStartedEventAttributes);
  return [...new Set([...types(events('encounter-invoiced.json')), ...types(invoice.slice(0, firstTimer))])];
}

const fault = useFaultContext();

it('a worker killed inside each activity type in turn: the encounter and its invoice end exactly once', async () => {
  const { ctx } = fault;
  const types = activityTypes();
  expect(types).toEqual(expect.arrayContaining(['reserveSlot', 'recordFee', 'writeJournalNote', 'issueInvoice']));
  const f = await makeFixture(ctx.orm);
  const { id, handle } = await startEncounter(ctx, f, f.adultId, PATIENT_POLICY);
  let closed = false;
  let failed: unknown;
  const drive = driveToClosed(ctx, f, handle).finally(() => (closed = true));
  drive.catch((e) => (failed = e));

  const killedIn: string[] = [];
  let remaining = [...types];
  while (remaining.length) {
    const worker = await spawnWorker(ctx, { VARDMOTE_FAULT: `hang-in:${remaining.join('+')}` });
    const hung = () => [...worker.output().matchAll(/FAULT in-activity (\w+)/g)].map((h) => h[1]);
    await waitFor(
      () => (failed ? true : hung().length > 0 || undefined),
      `a hang in one of ${remaining.join(', ')}`,
      90_000,
    ).catch(async (e) => {
      const d = await handle.describe();
      const raw = await ctx.client.workflowService.describeWorkflowExecution({
        namespace: ctx.config.temporal.namespace,
        execution: { workflowId: handle.workflowId },
      });
      const state = await handle.query(m.stateQuery).catch((q) => String(q));
      throw new Error(
        `${(e as Error).message}; workflow ${d.status.name}, pending ${JSON.stringify(raw.pendingActivities?.map((a) => [a.activityType?.name, a.attempt, a.lastFailure?.message]))}, state ${JSON.stringify(state).slice(0, 400)}; worker output: ${worker.output().slice(-2000)}`,
      );
    });
    // Activities run side by side (a projection beside an update's step): all that hang now die together.
    await new Promise((r) => setTimeout(r, 300));
    await worker.kill();
    if (failed) throw new Error(`the encounter's driver failed: ${String(failed)}\nworker output:\n${worker.output()}`);
    killedIn.push(...hung());
    remaining = remaining.filter((t) => !hung().includes(t));
  }
  await spawnWorker(ctx);
  expect(await drive).toMatchObject({ status: 'closed' });
  expect(closed).toBe(true);
  expect(killedIn.sort()).toEqual([...types].sort());

  expect(await exactlyOnce(ctx, id)).toEqual({ charges: 1, notes: 1, liveBookings: 1, deviations: 0, invitations: 1 });
  const invoices = await waitFor(async () => {
    const rows = await ctx.orm.em.fork().execute<Array<{ status: string; mails: string }>>(
      `select i.status, (select count(*) from outbox_message o where o.idempotency_key = 'invoice:' || i.id || ':invoice') as mails
         from invoice i join invoice_line l on l.invoice_id = i.id join charge c on c.id = l.charge_id
         where c.encounter_id = ?`,
      [id],
    );
    return rows.length && rows.every((r) => Number(r.mails) > 0) ? rows : undefined;
  }, 'the invoice to be issued and sent');
  expect(invoices).toHaveLength(1);
  expect(Number(invoices[0].mails)).toBe(1);
});
