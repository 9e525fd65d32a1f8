/** Fault test: the worker process is killed during the fee step and restarted; exactly one charge. */
import { WorkflowUpdateStage } from '@temporalio/client';
import * as m from '../../workflows/encounter.messages';
import { connect, TestContext } from '../../testkit/env';
import { Fixture, makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, clinicianOf, runSession, startEncounter, throughIdentity, waitForStatus } from '../../testkit/drive';
import { killSpawned, spawnWorker } from '../support/processes';
import { waitFor } from '../../testkit/wait';
import { testPorts } from '../../scripts/ports';

jest.setTimeout(120_000);

let ctx: TestContext;
let f: Fixture;

beforeAll(async () => {
  ctx = await connect();
  f = await makeFixture(ctx.orm);
});
afterAll(async () => {
  killSpawned();
  await ctx?.close();
});

it('a worker killed after the fee commits is replaced and the encounter closes with exactly one charge', async () => {
  const first = await spawnWorker(ctx, { VARDMOTE_FAULT: 'hang-after-fee-commit' });
  const { id, handle } = await startEncounter(ctx, f, f.adultId, { activityTimeoutSeconds: 3 });
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 4);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  // The note update answers once the note is on its way to the journal; only wait for it to be accepted.
  const note = await handle.startUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Anteckning före krasch.' }],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });

  await waitFor(() => first.output().includes(`FAULT fee-committed ${id}`) || undefined, 'the fee to be committed');
  await first.kill();

  await spawnWorker(ctx);
  const result = await handle.result();
  expect(result).toEqual({ status: 'closed', chargeOre: 27_500 });
  expect((await note.result()).journalNoteId).not.toBeNull();
  const charges = await ctx.orm.em
    .fork()
    .execute<Array<{ kind: string; amount_ore: number }>>(
      'select kind, amount_ore from charge where encounter_id = ?',
      [id],
    );
  expect(charges).toEqual([{ kind: 'visit', amount_ore: 27_500 }]);
  const [period] = await ctx.orm.em
    .fork()
    .execute<Array<{ paid_ore: number }>>('select paid_ore from high_cost_period where patient_id = ?', [f.adultId]);
  expect(period.paid_ore).toBe(27_500);
  const history = await handle.fetchHistory();
  const feeAttempts = history.events!.filter(
    (e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1,
  );
  expect(feeAttempts.length).toBeGreaterThanOrEqual(1);
});

it("the real worker's /metrics carries the step durations and the Temporal SDK's own series", async () => {
  // The worker spawned above is still running; it serves its metrics on WORKER_METRICS_PORT (tests: 9474).
  const port = Number(process.env.WORKER_METRICS_PORT ?? testPorts().workerMetrics);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(text).toMatch(
    /^vardmote_workflow_step_duration_seconds_count\{[^}]*workflow="encounter",step="\w+"[^}]*\} [1-9]/m,
  );
  expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
  expect(text).toMatch(/^temporal_request\{[^}]*operation="\w+"/m);
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
});
