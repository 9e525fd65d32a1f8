/**
 * Drives an encounter from requested to closed while parts of the system die under it: every state
 * read is retried (a query fails while no worker or server answers); updates wait for a worker.
 */
import type { WorkflowHandle } from '@temporalio/client';
import * as m from '../../workflows/encounter.messages';
import type { TestContext } from './env';
import { ALL_CHECKED, admin, clinicianOf, YES } from './encounters';
import { Fixture, makeSlot } from './fixtures';
import { until } from './processes';

const stateOf = (handle: WorkflowHandle, pred: (s: m.EncounterState) => boolean, what: string) =>
  until(async () => (pred(await handle.query(m.stateQuery)) ? true : undefined), what, 120_000);

/**
 * Waits until the workflow has no workflow task and no activity in flight. A person's next click
 * rarely lands in the same instant as a dead worker's unfinished task; when it does, the Temporal SDK
 * (1.24) can replay a signal and an update delivered together in another order than it ran them (a
 * nondeterminism error; test/histories/sdk-nde-signal-update.json). The drive avoids that race.
 */
async function idle(ctx: TestContext, handle: WorkflowHandle): Promise<void> {
  await until(
    async () => {
      const d = await ctx.client.workflowService.describeWorkflowExecution({
        namespace: ctx.config.temporal.namespace,
        execution: { workflowId: handle.workflowId },
      });
      return !d.pendingWorkflowTask && !d.pendingActivities?.length ? true : undefined;
    },
    'the workflow to be idle',
    120_000,
  );
}

let slots = 0;

export interface DriveHooks {
  /** Runs once the slot is booked and before the meeting. */
  afterBooking?(): Promise<void>;
  /** Runs with the patient admitted, before the clinician ends the meeting. */
  inSession?(): Promise<void>;
}

export async function driveToClosed(
  ctx: TestContext,
  f: Fixture,
  handle: WorkflowHandle,
  hooks: DriveHooks = {},
): Promise<m.EncounterState> {
  const update = async <R>(f: () => Promise<R>) => {
    await idle(ctx, handle);
    return f();
  };
  await update(() =>
    handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinicianOf(f), answers: YES }] }),
  );
  await update(() =>
    handle.executeUpdate(m.recordIdentityUpdate, {
      args: [
        { actor: { id: 'p', role: 'patient' }, claims: { personnummer: f.adultPnr, loa: 'loa3', method: 'test' } },
      ],
    }),
  );
  const at = 60 + 120 * slots++; // one clinician's slots never overlap
  const slot = await until(() => makeSlot(ctx.orm, f.clinicianId, at), 'a slot');
  await update(() => handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] }));
  await hooks.afterBooking?.();
  await stateOf(handle, (s) => s.status === 'video', 'the room to open');
  await update(() => handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' }));
  await update(() =>
    handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] }),
  );
  await stateOf(handle, (s) => s.patientPresent, 'the patient in the waiting room');
  await update(() => handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] }));
  await hooks.inSession?.();
  await update(() => handle.executeUpdate(m.endSessionUpdate, { args: [{ actor: clinicianOf(f) }] }));
  await stateOf(handle, (s) => s.status === 'documentation', 'documentation');
  return update(() =>
    handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text: 'Efter felet.' }] }),
  );
}

/** Counts of what a finished encounter must have exactly once. */
export async function exactlyOnce(ctx: TestContext, encounterId: string) {
  const n = async (sql: string) =>
    Number(
      (await until(() => ctx.orm.em.fork().execute<Array<{ n: string }>>(sql, [encounterId]), 'the database'))[0].n,
    );
  return {
    charges: await n('select count(*) as n from charge where encounter_id = ?'),
    notes: await n('select count(*) as n from journal_note where encounter_id = ?'),
    liveBookings: await n('select count(*) as n from booking where encounter_id = ? and released_at is null'),
    deviations: await n('select count(*) as n from deviation where encounter_id = ?'),
    invitations: await n(
      `select count(*) as n from outbox_message where encounter_id = ? and subject like 'Kallelse%'`,
    ),
  };
}
