/**
 * What a signal changes reaches the projection (issue 29, patched('signals-projected')): the encounter
 * page's event stream and GET /api/encounters/:id read encounter_state, never the workflow, so presence
 * (Janus' signals) and a participant's waiting room must be there without a step of the workflow.
 */
import type { WorkflowHandle } from '@temporalio/client';
import * as m from '../../workflows/encounter.messages';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, startEncounter, throughIdentity, waitForState } from '../../testkit/drive';
import { maybeRecordHistory } from '../support/histories';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(90_000);

let ctx: TestContext;
let worker: TestWorker;
let f: FixtureWith<never>;

beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
  f = await makeFixture(ctx.orm);
});
afterAll(async () => {
  await worker?.stop();
  await ctx?.close();
});

const projected = async (id: string) => {
  const [row] = await ctx.orm.em
    .fork()
    .execute<Array<{ state: m.EncounterState }>>('select state from encounter_state where encounter_id = ?', [id]);
  return row?.state;
};

/** Waits (up to 10 s) until the projection holds; the last one seen when it never does. */
async function projectedUntil(id: string, holds: (s: m.EncounterState) => boolean) {
  let s: m.EncounterState | undefined;
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    s = await projected(id);
    if (s && holds(s)) return s;
  }
  throw new Error(`the projection never held; last: ${JSON.stringify(s && { ...s, timeline: s.timeline.length })}`);
}

const projections = async (handle: WorkflowHandle) => {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'projectEncounter')
    .length;
};

it('presence and a waiting participant reach encounter_state without a step; a repeated event projects nothing', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 3);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const s = await handle.executeUpdate(m.inviteParticipantUpdate, {
    args: [{ actor: admin, invitation: { kind: 'relative', name: 'Eva Andersson', personnummer: '19520303-4562' } }],
  });
  const relativeId = s.participants![0].id;
  await waitForState(handle, (st) => st.status === 'video');
  expect(await projectedUntil(id, (st) => st.status === 'video')).toMatchObject({
    signalsProjected: true,
    patientPresent: false,
  });

  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'janus' });
  const joined = await projectedUntil(id, (st) => st.patientPresent);
  expect(joined.timeline.at(-1)).toMatchObject({ event: 'patient-joined', outcome: 'waiting-room' });
  await handle.signal(m.participantWaitingSignal, { participantId: relativeId, source: 'janus' });
  await projectedUntil(id, (st) => st.participants![0].status === 'waiting');
  await handle.signal(m.participantJoinedSignal, { role: 'clinician', source: 'janus' });
  await projectedUntil(id, (st) => st.clinicianPresent);

  // Janus repeats itself: an event that changes nothing is not projected again.
  const before = await projections(handle);
  await handle.signal(m.participantJoinedSignal, { role: 'clinician', source: 'janus' });
  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'janus' });
  await handle.signal(m.participantLeftSignal, { role: 'patient', source: 'janus' });
  await projectedUntil(id, (st) => !st.patientPresent);
  expect(await projections(handle)).toBe(before + 1);

  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet är klart' }] });
  expect((await handle.result()).status).toBe('cancelled');
  expect(await projectedUntil(id, (st) => st.status === 'cancelled')).toMatchObject({ patientPresent: false });
  await maybeRecordHistory(handle, 'signals-projected');
});
