/** Driving encounters in tests: start one, move it along, wait for a status. */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createEncounter } from '../../api/encounters/service';
import { writeAccessLog } from '../../db/access-log';
import { answerAll } from '../../domain/eligibility';
import * as m from '../../workflows/encounter.messages';
import type { TestContext } from './env';
import type { Fixture } from './fixtures';

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
export const clinicianOf = (f: Fixture): m.Actor => ({ id: f.clinicianId, role: 'clinician', name: 'Maria Test' });
export const YES = answerAll(true);
export const ALL_CHECKED = Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, true])) as Record<
  m.ChecklistItem,
  boolean
>;

export async function startEncounter(
  ctx: TestContext,
  f: Fixture,
  patientId: string,
  policy: Partial<m.EncounterPolicy> = {},
): Promise<{ id: string; handle: WorkflowHandle }> {
  const { id, workflowId } = await createEncounter(
    ctx.orm.em.fork(),
    ctx.client,
    ctx.config.temporal.taskQueue,
    admin,
    {
      patientId,
      careUnitId: f.unitId,
      policy: { ...FAST_POLICY, ...policy },
    },
    (tx, encounterId, pid) =>
      writeAccessLog(tx, { actor: 'test', role: 'system', action: 'create', target: `encounter:${encounterId}` }, [
        pid,
      ]),
  );
  return { id, handle: ctx.client.workflow.getHandle(workflowId) };
}

/** Eligible and identified as the adult patient. */
export async function throughIdentity(
  handle: WorkflowHandle,
  f: Fixture,
  pnr = f.adultPnr,
  role: m.Role = 'patient',
): Promise<m.EncounterState> {
  await handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinicianOf(f), answers: YES }] });
  return handle.executeUpdate(m.recordIdentityUpdate, {
    args: [{ actor: { id: 'p', role }, claims: { personnummer: pnr, loa: 'loa3', method: 'test' } }],
  });
}

/** Polls the state query until `pred` holds. */
export async function waitForState(
  handle: WorkflowHandle,
  pred: (s: m.EncounterState) => boolean,
  timeoutMs = 30_000,
): Promise<m.EncounterState> {
  const deadline = Date.now() + timeoutMs;
  let last: m.EncounterState | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(m.stateQuery);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`state never matched; last: ${last?.status} waiting for ${last?.waitingFor}`);
}

export const waitForStatus = (handle: WorkflowHandle, status: m.EncounterStatus, timeoutMs?: number) =>
  waitForState(handle, (s) => s.status === status, timeoutMs);

/** Runs the video part: patient joins, checklist, admit, end. */
export async function runSession(handle: WorkflowHandle, f: Fixture): Promise<void> {
  await waitForStatus(handle, 'video');
  await handle.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
  await handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] });
  await waitForState(handle, (s) => s.patientPresent);
  await handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] });
  await handle.executeUpdate(m.endSessionUpdate, { args: [{ actor: clinicianOf(f) }] });
}

export type { Client };
