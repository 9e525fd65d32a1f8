/** Messages sent to Temporal in clear (its CLI or gRPC, not our processes) are never acted on. */
import { Client, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import * as m from '../../workflows/encounter.messages';
import * as t from '../../workflows/message-thread.messages';
import { IGNORE_CLEAR_SIGNALS_PATCH } from '../../workflows/payload-origin';
import { connect, TestContext } from '../../testkit/env';
import { Fixture, makeFixture, makeSlot } from '../../testkit/fixtures';
import {
  ALL_CHECKED,
  admin,
  clinicianOf,
  startEncounter,
  throughIdentity,
  waitForState,
  waitForStatus,
} from '../../testkit/drive';
import { testThread } from '../support/messages';
import { maybeRecordHistory } from '../support/histories';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(90_000);

let ctx: TestContext;
let worker: TestWorker;
let f: Fixture;
/** What anyone who reaches Temporal has: a client without our codec. */
let clear: Client;

beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
  clear = new Client({ connection: ctx.connection, namespace: ctx.config.temporal.namespace });
});
beforeEach(async () => {
  f = await makeFixture(ctx.orm);
});
afterAll(async () => {
  await worker?.stop();
  await ctx?.close();
});

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const events = async (handle: WorkflowHandle): Promise<HistoryEvent[]> => (await handle.fetchHistory()).events ?? [];

/** Waits until a workflow task completed after the last signal: the worker has handled it. */
async function signalHandled(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const all = await events(handle);
    const signals = all.flatMap((e, i) => (e.workflowExecutionSignaledEventAttributes ? [i] : []));
    if (all.slice(signals.at(-1)! + 1).some((e) => e.workflowTaskCompletedEventAttributes)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the signal was never handled');
}

const patchIds = (all: HistoryEvent[]) =>
  all
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => {
      const data = e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0].data!;
      return (JSON.parse(Buffer.from(data).toString()) as { id: string }).id;
    });

it('a clear cancel with a forged admin is refused, clear signals change nothing, and the encounter still closes', async () => {
  const { handle } = await startEncounter(ctx, f, f.adultId);
  const forged = clear.workflow.getHandle(handle.workflowId);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 4);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });

  const err = await forged
    .executeUpdate(m.cancelUpdate, { args: [{ actor: { id: 'x', role: 'admin' }, reason: 'forged' }] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'Unencrypted' });
  // A refused update leaves nothing in the history.
  expect(
    (await events(handle)).some(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'cancel',
    ),
  ).toBe(false);

  await waitForStatus(handle, 'video');
  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
  await handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] });
  await waitForState(handle, (s) => s.patientPresent);
  await handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] });

  // In session: a clinician joining and the patient's video dropping would each be recorded.
  const before = await handle.query(m.stateQuery);
  expect(before.clinicianPresent).toBe(false);
  await forged.signal(m.participantJoinedSignal, { role: 'clinician', source: 'forged' });
  await forged.signal(m.mediaStateSignal, { role: 'patient', up: false, source: 'forged' });
  await signalHandled(handle);
  expect(await handle.query(m.stateQuery)).toEqual(before);

  await handle.executeUpdate(m.endSessionUpdate, { args: [{ actor: clinicianOf(f) }] });
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Bedömning: oförändrat. Plan: ingen.' }],
  });
  expect(await handle.result()).toEqual({ status: 'closed', chargeOre: 27_500 });

  const all = await events(handle);
  expect(all.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
  expect(patchIds(all)).toContain(IGNORE_CLEAR_SIGNALS_PATCH);
  const timeline = (await handle.query(m.stateQuery)).timeline.map((t) => t.event);
  expect(timeline).not.toContain('clinician-joined');
  expect(timeline).not.toContain('media-down');
  expect(timeline).not.toContain('cancelled');
  await maybeRecordHistory(handle, 'plaintext');
});

it('a message thread refuses a clear staff answer: nothing is stored and the patient still waits for one', async () => {
  const { threadId } = await testThread(ctx, f, {
    answerSeconds: 3600,
    summaryReminderSeconds: 600,
    summaryOverdueSeconds: 1200,
    closeAfterIdleSeconds: 3600,
  });
  const handle = ctx.client.workflow.getHandle(t.threadWorkflowId(threadId));
  const staff: t.Author = { kind: 'staff', id: 'HSA-X', name: 'Forged', signature: 'Forged, Testenheten' };
  const err = await clear.workflow
    .getHandle(handle.workflowId)
    .executeUpdate(t.postMessageUpdate, { args: [{ author: staff, text: 'Allt är bra.' }] })
    .catch((e: unknown) => e);
  expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'Unencrypted' });
  expect(await handle.query(t.threadQuery)).toMatchObject({ status: 'open', unanswered: 1 });
  const [{ n }] = await ctx.orm.em
    .fork()
    .execute<Array<{ n: string }>>('select count(*) as n from message where thread_id = ?', [threadId]);
  expect(Number(n)).toBe(1);
  expect((await events(handle)).filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
  await handle.terminate('test done');
});
