/**
 * The Temporal dev server is stopped and restarted (its SQLite file kept) with 20 encounters in
 * flight: every one of them finishes, each with exactly one charge and one note, nothing doubled.
 */
import { Connection } from '@temporalio/client';
import { connect, TestContext } from '../../testkit/env';
import { makeFixture } from '../../testkit/fixtures';
import { startEncounter } from '../../testkit/drive';
import { driveToClosed, exactlyOnce } from '../../testkit/drive';
import { killSpawned, PATIENT_POLICY, restartPart, spawnWorker } from '../support/processes';

jest.setTimeout(240_000);
const N = 20;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await connect();
  await spawnWorker(ctx);
});
afterAll(async () => {
  killSpawned();
  await ctx?.close();
});

it(`${N} encounters in flight while Temporal stops and starts again: all close, each charged once`, async () => {
  const fixtures = await Promise.all(Array.from({ length: 4 }, () => makeFixture(ctx.orm)));
  const started = await Promise.all(
    Array.from({ length: N }, (_, i) => startEncounter(ctx, fixtures[i % 4], fixtures[i % 4].adultId, PATIENT_POLICY)),
  );
  let stopped = false;
  const restart = async () => {
    if (stopped) return;
    stopped = true;
    await restartPart(
      'temporal',
      async () => {
        const conn = await Connection.connect({ address: ctx.config.temporal.address, connectTimeout: 1000 });
        try {
          await conn.workflowService.getSystemInfo({});
        } finally {
          await conn.close();
        }
      },
      'SIGTERM',
    );
  };
  // The server stops as soon as the first encounter is booked, while the others are at every step.
  const finals = await Promise.all(
    started.map(({ handle }, i) => driveToClosed(ctx, fixtures[i % 4], handle, { afterBooking: restart })),
  );
  expect(stopped).toBe(true);
  expect(finals.map((s) => s.status)).toEqual(Array(N).fill('closed'));
  for (const { id } of started)
    expect(await exactlyOnce(ctx, id)).toEqual({
      charges: 1,
      notes: 1,
      liveBookings: 1,
      deviations: 0,
      invitations: 1,
    });
});
