/**
 * Encounters per second against the same server's bare workflow rate.
 * Run: npm run bench (fresh embedded services on the test ports). BENCH_N, BENCH_CONCURRENCY tune it.
 */
import { NativeConnection, Runtime, DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createPdfRenderer } from '../documents/pdf';
import { createActivities } from '../activities';
import { createFakeRooms } from '../media/rooms';
import * as m from '../workflows/encounter.messages';
import { connect } from '../test/support/env';
import { makeFixture, makeSlot } from '../test/support/fixtures';
import { captureMailer } from '../test/support/worker';
import { dataConverter } from '../temporal/codec';
import {
  admin,
  clinicianOf,
  runSession,
  startEncounter,
  throughIdentity,
  waitForStatus,
} from '../test/support/encounters';

const N = Number(process.env.BENCH_N ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);

/** Runs `task(i)` for i < n with at most `concurrency` in flight; prints progress every 10 %. */
async function pool(
  label: string,
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<number> {
  const started = Date.now();
  let next = 0;
  let done = 0;
  const step = Math.max(1, Math.floor(n / 10));
  const lane = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
      if (++done % step === 0) process.stdout.write(`  ${label}: ${done}/${n}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return (Date.now() - started) / 1000;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const ctx = await connect();
  const connection = await NativeConnection.connect({ address: ctx.config.temporal.address });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const pdf = createPdfRenderer(ctx.config.chromiumPath);
  const worker = await Worker.create({
    connection,
    taskQueue: ctx.config.temporal.taskQueue,
    workflowBundle,
    dataConverter: dataConverter(ctx.config.payloadKeys),
    activities: createActivities({
      orm: ctx.orm,
      mailer: captureMailer(),
      rooms: createFakeRooms(),
      pdf,
      finance: ctx.config.finance,
    }),
  });
  const running = worker.run();
  console.log(
    `bench: ${N} of each, ${CONCURRENCY} at a time, one worker in this process (${process.platform}, node ${process.version})`,
  );

  // Warm-up: the first workflow tasks pay for the V8 isolate and caches.
  await pool('warm-up', CONCURRENCY, CONCURRENCY, (i) =>
    ctx.client.workflow
      .execute('benchNoopWorkflow', { taskQueue: ctx.config.temporal.taskQueue, workflowId: `warm-${i}-${Date.now()}` })
      .then(() => undefined),
  );

  const bareSecs = await pool('bare workflows', N, CONCURRENCY, async (i) => {
    await ctx.client.workflow.execute('benchNoopWorkflow', {
      taskQueue: ctx.config.temporal.taskQueue,
      workflowId: `noop-${i}-${Date.now()}`,
    });
  });

  // One clinician per lane; each encounter gets its own slot, so the exclusion constraint never trips.
  const fixtures = await Promise.all(Array.from({ length: CONCURRENCY }, () => makeFixture(ctx.orm)));
  let lane = 0;
  const encSecs = await pool('encounters', N, CONCURRENCY, async (i) => {
    const f = fixtures[lane++ % CONCURRENCY];
    const slot = await makeSlot(ctx.orm, f.clinicianId, 60 + i * 120, 1);
    // The room opens at once and the patient joins at once: this measures the engine, not the clock.
    const { handle } = await startEncounter(ctx, f, f.adultId, {
      roomOpensBeforeSeconds: 24 * 3600,
      lateCancelSeconds: 0,
    });
    await throughIdentity(handle, f);
    await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
    await runSession(handle, f);
    await waitForStatus(handle, 'documentation', 60_000);
    const final = await handle.executeUpdate(m.submitJournalNoteUpdate, {
      args: [{ actor: clinicianOf(f), text: 'Bänkmärkning.' }],
    });
    if (final.status !== 'closed') throw new Error(`encounter ended ${final.status}`);
  });

  const bareRate = N / bareSecs;
  const encRate = N / encSecs;
  console.log('');
  console.log(`bare workflow start→result : ${bareRate.toFixed(1)} workflows/s (${bareSecs.toFixed(1)} s)`);
  console.log(
    `encounter request→closed   : ${encRate.toFixed(1)} encounters/s (${encSecs.toFixed(1)} s; each: create, 7 updates, 1 signal, every step's activities and projections)`,
  );
  console.log(`ratio                      : ${(encRate / bareRate).toFixed(3)} encounters per bare workflow`);

  worker.shutdown();
  await running;
  await pdf.close();
  await connection.close();
  await ctx.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
