/**
 * PostgreSQL is killed (SIGKILL) and restarted by the test stack's supervisor while the worker is
 * inside the booking transaction, and again inside the fee transaction (holding the patient's lock):
 * the encounter ends with one live booking, one charge counted once towards the ceiling, one note.
 */
import { makeFixture } from '../../testkit/fixtures';
import { startEncounter } from '../../testkit/drive';
import { driveToClosed, exactlyOnce } from '../../testkit/drive';
import { PATIENT_POLICY, restartPart, spawnWorker, useFaultContext } from '../support/processes';
import { waitFor } from '../../testkit/wait';

jest.setTimeout(180_000);

const fault = useFaultContext();

it('PostgreSQL restarted during a booking and during the fee transaction: one booking, one charge', async () => {
  const { ctx } = fault;
  // The worker hangs 3 s inside each transaction (once each), long enough for the database to die under it.
  const worker = await spawnWorker(ctx, {
    VARDMOTE_FAULT: 'hang-in-booking-transaction,hang-in-fee-transaction',
    VARDMOTE_FAULT_HANG_MS: '3000',
  });
  const f = await makeFixture(ctx.orm);
  const { id, handle } = await startEncounter(ctx, f, f.adultId, PATIENT_POLICY);
  const ready = () => ctx.orm.em.fork().execute('select 1');
  const restarts: string[] = [];
  const watcher = (async () => {
    for (const what of ['in-booking-transaction', 'in-fee-transaction']) {
      await waitFor(() => worker.output().includes(`FAULT ${what} ${id}`) || undefined, what, 120_000);
      await restartPart('postgres', ready);
      restarts.push(what);
    }
  })();
  const final = await driveToClosed(ctx, f, handle);
  await watcher;
  expect(restarts).toEqual(['in-booking-transaction', 'in-fee-transaction']);
  expect(final).toMatchObject({ status: 'closed' });
  expect(await handle.result()).toEqual({ status: 'closed', chargeOre: 27_500 });
  expect(await exactlyOnce(ctx, id)).toEqual({ charges: 1, notes: 1, liveBookings: 1, deviations: 0, invitations: 1 });
  const [period] = await ctx.orm.em
    .fork()
    .execute<Array<{ paid_ore: number }>>('select paid_ore from high_cost_period where patient_id = ?', [f.adultId]);
  expect(period.paid_ore).toBe(27_500);
  // The transactions' first attempts really died with the database (so the retries did the work).
  const history = await handle.fetchHistory();
  const retried = history
    .events!.filter(
      (e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 1) > 1,
    )
    .map((e) =>
      history.events!.find(
        (s) => Number(s.eventId) === Number(e.activityTaskStartedEventAttributes!.scheduledEventId),
      )!,
    )
    .map((s) => s.activityTaskScheduledEventAttributes!.activityType!.name);
  expect(retried).toEqual(expect.arrayContaining(['reserveSlot', 'recordFee']));
});
