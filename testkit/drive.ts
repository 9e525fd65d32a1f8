/**
 * The one encounter driver of tests and benchmarks: create an encounter through the API's service,
 * then move it through its steps (eligibility, identity, booking, the video session, the journal
 * note) with the messages the pages and API send, and read its state with the one waiter.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { createEncounter } from '../api/encounters/service';
import { writeAccessLog } from '../db/access-log';
import { encounterFootprint } from '../db/encounters';
import { answerAll, type EligibilityAnswers } from '../domain/eligibility';
import * as m from '../workflows/encounter.messages';
import type { TestContext } from './env';
import { type Fixture, makeSlot } from './fixtures';
import { waitFor } from './wait';

/** Seconds, so a whole encounter runs in a few seconds on the real dev server. */
export const FAST_POLICY: m.EncounterPolicy = {
  noShowGraceSeconds: 3,
  roomOpensBeforeSeconds: 1,
  documentationReminderSeconds: 1,
  documentationOverdueSeconds: 2,
  lateCancelSeconds: 5,
  activityTimeoutSeconds: 5,
};

export const admin: m.Actor = { id: 'admin-1', role: 'admin', name: 'Test Admin' };
export const clinicianOf = (f: Pick<Fixture, 'clinicianId'>): m.Actor => ({
  id: f.clinicianId,
  role: 'clinician',
  name: 'Maria Test',
});
export const YES = answerAll(true);
export const ALL_CHECKED = Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, true])) as Record<
  m.ChecklistItem,
  boolean
>;

/**
 * How each step is sent. `direct` sends it at once; `whenIdle` first waits until the workflow has no
 * task and no activity in flight (the fault tests: see `whenIdle`).
 */
export type Send = <R>(send: () => Promise<R>) => Promise<R>;
const direct: Send = (send) => send();

/** Step 1: the encounter, created as the API creates it (workflow, row and access-log row), with a fast policy. */
export async function startEncounter(
  ctx: TestContext,
  f: Pick<Fixture, 'unitId'>,
  patientId: string,
  policy: Partial<m.EncounterPolicy> = {},
  extra: { reason?: string; invitation?: { purpose: string } } = {},
): Promise<{ id: string; handle: WorkflowHandle }> {
  const { id, workflowId } = await createEncounter(
    ctx.orm.em.fork(),
    ctx.client,
    ctx.config.temporal.taskQueue,
    admin,
    { patientId, careUnitId: f.unitId, ...extra, policy: { ...FAST_POLICY, ...policy } },
    (tx, encounterId, pid) =>
      writeAccessLog(tx, { actor: 'test', role: 'system', action: 'create', target: `encounter:${encounterId}` }, [
        pid,
      ]),
  );
  return { id, handle: ctx.client.workflow.getHandle(workflowId) };
}

/** Step 2: the clinician's four answers (all yes unless given). */
export function answerEligibility(
  handle: WorkflowHandle,
  f: Pick<Fixture, 'clinicianId'>,
  answers: EligibilityAnswers = YES,
  send: Send = direct,
): Promise<m.EncounterState> {
  return send(() => handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinicianOf(f), answers }] }));
}

/** Step 3: the e-ID result, by default the adult patient at LoA3. */
export function verifyIdentity(
  handle: WorkflowHandle,
  pnr: string,
  role: m.Role = 'patient',
  send: Send = direct,
): Promise<m.EncounterState> {
  return send(() =>
    handle.executeUpdate(m.recordIdentityUpdate, {
      args: [{ actor: { id: 'p', role }, claims: { personnummer: pnr, loa: 'loa3', method: 'test' } }],
    }),
  );
}

/** Steps 2 and 3: eligible, and identified as the adult patient (or `pnr` in `role`). */
export async function throughIdentity(
  handle: WorkflowHandle,
  f: Pick<Fixture, 'clinicianId' | 'adultPnr'>,
  pnr = f.adultPnr,
  role: m.Role = 'patient',
  send: Send = direct,
): Promise<m.EncounterState> {
  await answerEligibility(handle, f, YES, send);
  return verifyIdentity(handle, pnr, role, send);
}

/** Step 4: a new slot of the fixture's clinician starting `inSeconds` from now, booked by the administrator. */
export async function book(
  ctx: TestContext,
  handle: WorkflowHandle,
  f: Pick<Fixture, 'clinicianId'>,
  slot: { inSeconds: number; minutes?: number },
  send: Send = direct,
): Promise<{ slot: { id: string; startsAt: Date }; state: m.EncounterState }> {
  const make = () => makeSlot(ctx.orm, f.clinicianId, slot.inSeconds, slot.minutes);
  // Driven carefully, the slot is tried again while the database is away (the fault tests).
  const made = send === direct ? await make() : await waitFor(make, 'a new slot');
  const state = await send(() => handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: made.id }] }));
  return { slot: made, state };
}

/** Steps 5–6: once the room is open the patient joins, the clinician confirms the checklist, admits, and ends. */
export async function runSession(
  handle: WorkflowHandle,
  f: Pick<Fixture, 'clinicianId'>,
  opts: { send?: Send; timeoutMs?: number; inSession?: () => Promise<void> } = {},
): Promise<m.EncounterState> {
  const { send = direct, timeoutMs } = opts;
  await waitForStatus(handle, 'video', timeoutMs);
  await send(() => handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' }));
  await send(() =>
    handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] }),
  );
  await waitForState(handle, (s) => s.patientPresent, timeoutMs);
  await send(() => handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] }));
  await opts.inSession?.();
  return send(() => handle.executeUpdate(m.endSessionUpdate, { args: [{ actor: clinicianOf(f) }] }));
}

/** Step 7: the clinician's journal note; it answers once the note is on its way to the journal system. */
export function writeNote(
  handle: WorkflowHandle,
  f: Pick<Fixture, 'clinicianId'>,
  text = 'Bedömning och plan.',
  send: Send = direct,
): Promise<m.EncounterState> {
  return send(() => handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text }] }));
}

/** Polls the state query until `pred` holds (a failing query is tried again until the timeout). */
export async function waitForState(
  handle: WorkflowHandle,
  pred: (s: m.EncounterState) => boolean,
  timeoutMs = 30_000,
): Promise<m.EncounterState> {
  let last: m.EncounterState | undefined;
  return waitFor(
    async () => {
      last = await handle.query(m.stateQuery);
      return pred(last) && last;
    },
    `the state of ${handle.workflowId}`,
    { timeoutMs, intervalMs: 150, detail: () => last && `last: ${last.status} waiting for ${last.waitingFor}` },
  );
}

export const waitForStatus = (handle: WorkflowHandle, status: m.EncounterStatus, timeoutMs?: number) =>
  waitForState(handle, (s) => s.status === status, timeoutMs);

/**
 * Sends a step only when the workflow has no workflow task and no activity in flight. A person's next
 * click rarely lands in the same instant as a dead worker's unfinished task; when it does, the
 * Temporal SDK (1.24) can replay a signal and an update delivered together in another order than it
 * ran them (a nondeterminism error; test/histories/sdk-nde-signal-update.json). Driving this way
 * avoids that race while parts of the system are killed under the encounter.
 */
export function whenIdle(ctx: TestContext, handle: WorkflowHandle): Send {
  return async (send) => {
    await waitFor(
      async () => {
        const d = await ctx.client.workflowService.describeWorkflowExecution({
          namespace: ctx.config.temporal.namespace,
          execution: { workflowId: handle.workflowId },
        });
        return !d.pendingWorkflowTask && !d.pendingActivities?.length;
      },
      'the workflow to be idle',
      120_000,
    );
    return send();
  };
}

let slots = 0;

export interface DriveHooks {
  /** Runs once the slot is booked and before the meeting. */
  afterBooking?(): Promise<void>;
  /** Runs with the patient admitted, before the clinician ends the meeting. */
  inSession?(): Promise<void>;
}

/**
 * Every step from requested to closed, each sent when the workflow is idle and every read retried
 * (a query fails while no worker or server answers): the fault tests kill parts of the system under it.
 */
export async function driveToClosed(
  ctx: TestContext,
  f: Pick<Fixture, 'clinicianId' | 'adultPnr'>,
  handle: WorkflowHandle,
  hooks: DriveHooks = {},
): Promise<m.EncounterState> {
  const send = whenIdle(ctx, handle);
  await throughIdentity(handle, f, f.adultPnr, 'patient', send);
  // One clinician's slots never overlap.
  await book(ctx, handle, f, { inSeconds: 60 + 120 * slots++ }, send);
  await hooks.afterBooking?.();
  await runSession(handle, f, { send, timeoutMs: 120_000, inSession: hooks.inSession });
  await waitForStatus(handle, 'documentation', 120_000);
  await writeNote(handle, f, 'Efter felet.', send);
  // The journal step and the fee follow the note.
  return waitForState(handle, (s) => m.isTerminal(s.status), 120_000);
}

/** Counts of what a finished encounter must have exactly once (read again while the database restarts). */
export function exactlyOnce(ctx: TestContext, encounterId: string) {
  return waitFor(() => encounterFootprint(ctx.orm.em.fork(), encounterId), 'the database');
}
