/**
 * The timer paths (no-show, overdue documentation, late cancellation) with the production policy's
 * real durations, on Temporal's time-skipping test server with typed stub activities: hours pass in
 * milliseconds. The real-database suites (encounter.int.test.ts, activities) cover the activities.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { EncounterActivities } from '../../activities/encounter';
import { answerAll } from '../../domain/eligibility';
import { encounterWorkflow } from '../../workflows/encounter';
import * as m from '../../workflows/encounter.messages';
import { workflowBundle } from '../../testkit/worker';

const SERVER = path.resolve(__dirname, '../../.tools/temporal-test-server');
const HOUR = 3600_000;
jest.setTimeout(120_000);

/** Stub activities that count their calls; the types come from the real factory. */
function stubActivities() {
  const calls: Record<string, unknown[]> = {};
  const track = <K extends keyof EncounterActivities>(name: K, impl: EncounterActivities[K]) =>
    (async (...args: unknown[]) => {
      (calls[name] ??= []).push(args[0]);
      return (impl as (...a: unknown[]) => unknown)(...args);
    }) as EncounterActivities[K];
  let slotStart = '';
  const acts: EncounterActivities = {
    projectEncounter: track('projectEncounter', async () => undefined),
    recordEligibility: track('recordEligibility', async () => undefined),
    checkIdentity: track('checkIdentity', async () => ({ allowed: true, actingAs: 'self' }) as const),
    reserveSlot: track('reserveSlot', async ({ slotId }) => ({
      slotId,
      clinicianId: CLINICIAN.id,
      startsAt: slotStart,
      endsAt: new Date(Date.parse(slotStart) + 30 * 60_000).toISOString(),
    })),
    releaseSlot: track('releaseSlot', async () => undefined),
    updateEngagementIndex: track('updateEngagementIndex', async () => ({ sent: true })),
    recordFee: track('recordFee', async ({ kind }) => ({
      chargeId: `c-${kind}`,
      chargeOre: kind === 'visit' ? 27_500 : 40_000,
      reason: kind === 'visit' ? 'full' : kind,
      freeCardIssued: false,
    })),
    writeJournalNote: track('writeJournalNote', async () => ({ noteId: 'n1' })),
    recordDeviation: track('recordDeviation', async ({ category }) => ({ deviationId: `d-${category}` })),
    openVideoRoom: track('openVideoRoom', async ({ encounterId }) => ({ roomId: `encounter-${encounterId}` })),
    closeVideoRoom: track('closeVideoRoom', async () => undefined),
    sendInvitation: track('sendInvitation', async () => ({ outboxId: 'o1', status: 'sent' })),
    sendBookingReleased: track('sendBookingReleased', async () => ({ outboxId: 'o3', status: 'sent' })),
    exportToJournal: track('exportToJournal', async () => ({
      documentReference: 'd1',
      encounter: 'e1',
      patient: 'p1',
      provenance: 'v1',
    })),
    recordManualJournalEntry: track('recordManualJournalEntry', async () => undefined),
    // The thread's journal activities, in the same worker; no encounter calls them.
    exportSummaryToJournal: track('exportSummaryToJournal', async () => ({
      documentReference: 'd2',
      encounter: 'e2',
      patient: 'p1',
      provenance: 'v2',
    })),
    markSummaryForManualEntry: track('markSummaryForManualEntry', async () => undefined),
    recordManualSummaryEntry: track('recordManualSummaryEntry', async () => undefined),
    sendDocumentationReminder: track('sendDocumentationReminder', async () => ({ outboxId: 'o2', status: 'sent' })),
    // Billed by another system: no invoice workflow here (those are tested on the dev server).
    billingOf: track('billingOf', async () => null),
  };
  return { acts, calls, startSlotAt: (iso: string) => (slotStart = iso) };
}

const CLINICIAN: m.Actor = { id: 'c1', role: 'clinician', name: 'Maria Berg' };
const ADMIN: m.Actor = { id: 'a1', role: 'admin' };
const PATIENT: m.Actor = { id: 'p1', role: 'patient' };

const available = fs.existsSync(SERVER);
if (!available)
  process.stdout.write(
    `SKIPPED the time-skipping tier: no ${SERVER} (scripts/bootstrap.sh --test installs it; needs mvn and java)\n`,
  );
const describeIfServer = available ? describe : describe.skip;

describeIfServer('encounter timers on the time-skipping test server (RULES.md defaults)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    await workflowBundle(); // also installs the quiet runtime before the environment starts one
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: SERVER } },
    });
  });
  afterAll(() => env?.teardown());

  /** Runs `body` against a fresh worker with stub activities; returns the stubs' calls. */
  async function withEncounter(
    body: (h: Awaited<ReturnType<typeof start>>, stubs: ReturnType<typeof stubActivities>) => Promise<void>,
  ) {
    const taskQueue = `timeskip-${Math.random().toString(36).slice(2)}`;
    const stubs = stubActivities();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs.acts,
    });
    await worker.runUntil(async () => body(await start(taskQueue), stubs));
    return stubs.calls;
  }

  const start = (taskQueue: string) =>
    env.client.workflow.start(encounterWorkflow, {
      taskQueue,
      workflowId: `encounter-ts-${Math.random().toString(36).slice(2)}`,
      args: [{ encounterId: 'e1', patientId: 'p1', careUnitId: 'u1', requestedBy: ADMIN, policy: m.DEFAULT_POLICY }],
    });

  /** Eligible, identified and booked on a slot `hoursAhead` from the workflow's now. */
  async function booked(
    h: Awaited<ReturnType<typeof start>>,
    stubs: ReturnType<typeof stubActivities>,
    hoursAhead: number,
  ) {
    await h.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: CLINICIAN, answers: answerAll(true) }] });
    await h.executeUpdate(m.recordIdentityUpdate, {
      args: [{ actor: PATIENT, claims: { personnummer: '19850314-2385', loa: 'loa3', method: 'test' } }],
    });
    const now = await env.currentTimeMs();
    stubs.startSlotAt(new Date(Number(now) + hoursAhead * HOUR).toISOString());
    await h.executeUpdate(m.bookUpdate, { args: [{ actor: ADMIN, slotId: 's1' }] });
  }

  it('no-show: 15 minutes after start without the patient, the no-show fee and a deviation (RULES §2 no-show fee)', async () => {
    const calls = await withEncounter(async (h, stubs) => {
      await booked(h, stubs, 48);
      expect(await h.result()).toEqual({ status: 'no-show', chargeOre: 40_000 });
      const state = await h.query(m.stateQuery);
      expect(Date.parse(state.timeline.at(-1)!.at) - Date.parse(state.slot!.startsAt)).toBeGreaterThanOrEqual(
        15 * 60_000,
      );
    });
    expect(calls.recordFee).toEqual([expect.objectContaining({ kind: 'no-show' })]);
    expect(calls.recordDeviation).toEqual([expect.objectContaining({ category: 'no-show' })]);
    expect(calls.closeVideoRoom).toHaveLength(1);
    expect(calls.sendDocumentationReminder).toBeUndefined();
  });

  it('documentation: a reminder after 4 h, a deviation after 24 h, and it still closes only with the note (RULES §9)', async () => {
    const calls = await withEncounter(async (h, stubs) => {
      await booked(h, stubs, 2);
      await env.sleep(2 * HOUR - 5 * 60_000);
      expect((await h.query(m.stateQuery)).status).toBe('video');
      await h.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
      const items = Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, true])) as Record<m.ChecklistItem, boolean>;
      await h.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: CLINICIAN, items }] });
      await h.executeUpdate(m.admitPatientUpdate, { args: [{ actor: CLINICIAN }] });
      await h.executeUpdate(m.endSessionUpdate, { args: [{ actor: CLINICIAN }] });
      await env.sleep(5 * HOUR);
      expect(stubs.calls.sendDocumentationReminder).toHaveLength(1);
      expect(stubs.calls.recordDeviation).toBeUndefined();
      await env.sleep(20 * HOUR);
      const overdue = await h.query(m.stateQuery);
      expect(overdue.status).toBe('documentation');
      expect(overdue.timeline.map((t) => t.event)).toContain('documentation-overdue');
      await h.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: CLINICIAN, text: 'Sen anteckning.' }] });
      expect(await h.result()).toEqual({ status: 'closed', chargeOre: 27_500 });
    });
    expect(calls.recordDeviation).toEqual([expect.objectContaining({ category: 'missing-documentation' })]);
    expect(calls.recordFee).toEqual([expect.objectContaining({ kind: 'visit' })]);
  });

  it('late cancellation: the patient cancelling within 24 h of a slot booked earlier pays the late-cancel fee (RULES §2)', async () => {
    const calls = await withEncounter(async (h, stubs) => {
      await booked(h, stubs, 48);
      await env.sleep(30 * HOUR);
      await h.executeUpdate(m.cancelUpdate, { args: [{ actor: PATIENT, reason: 'Förhindrad' }] });
      expect(await h.result()).toEqual({ status: 'cancelled', chargeOre: 40_000 });
    });
    expect(calls.recordFee).toEqual([expect.objectContaining({ kind: 'late-cancel' })]);
    expect(calls.releaseSlot).toHaveLength(1);
  });

  it('cancellation more than 24 h ahead costs nothing (RULES §2)', async () => {
    const calls = await withEncounter(async (h, stubs) => {
      await booked(h, stubs, 48);
      await env.sleep(20 * HOUR);
      await h.executeUpdate(m.cancelUpdate, { args: [{ actor: PATIENT, reason: 'Förhindrad' }] });
      expect(await h.result()).toEqual({ status: 'cancelled', chargeOre: 0 });
    });
    expect(calls.recordFee).toBeUndefined();
  });
});
