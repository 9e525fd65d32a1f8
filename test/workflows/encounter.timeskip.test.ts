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
import { addDays, isoWeekday, stockholmDateOf } from '../../domain/dates';
import { DEFAULT_REMINDER_POLICY, stockholmAt } from '../../domain/reminders';
import { easterSunday } from '../../domain/working-days';
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
    sendReminder: track('sendReminder', async () => ({ status: 'sent', outboxId: 'r1' })),
    sendWaitingAlert: track('sendWaitingAlert', async () => ({ recipients: 2, sent: 2 })),
    sendParticipantCode: track('sendParticipantCode', async () => ({ channel: 'sms', status: 'sent' }) as const),
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
    policy: m.EncounterPolicy = m.DEFAULT_POLICY,
    extra: Pick<m.EncounterInput, 'invitation'> = {},
  ) {
    const taskQueue = `timeskip-${Math.random().toString(36).slice(2)}`;
    const stubs = stubActivities();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs.acts,
    });
    await worker.runUntil(async () => {
      const h = await start(taskQueue, policy, extra);
      try {
        await body(h, stubs);
      } catch (err) {
        // A workflow left running with an activity no worker will take stops the skipped clock for the next test.
        await h.terminate('test failed').catch(() => undefined);
        throw err;
      }
    });
    return stubs.calls;
  }

  const start = (
    taskQueue: string,
    policy: m.EncounterPolicy = m.DEFAULT_POLICY,
    extra: Pick<m.EncounterInput, 'invitation'> = {},
  ) =>
    env.client.workflow.start(encounterWorkflow, {
      taskQueue,
      workflowId: `encounter-ts-${Math.random().toString(36).slice(2)}`,
      args: [{ encounterId: 'e1', patientId: 'p1', careUnitId: 'u1', requestedBy: ADMIN, policy, ...extra }],
    });

  /** Eligible, identified and booked on a slot `hoursAhead` from the workflow's now. */
  async function booked(
    h: Awaited<ReturnType<typeof start>>,
    stubs: ReturnType<typeof stubActivities>,
    /** Hours from now, or the start itself (ISO). */
    hoursAhead: number | string,
  ) {
    await h.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: CLINICIAN, answers: answerAll(true) }] });
    await h.executeUpdate(m.recordIdentityUpdate, {
      args: [{ actor: PATIENT, claims: { personnummer: '19850314-2385', loa: 'loa3', method: 'test' } }],
    });
    const now = await env.currentTimeMs();
    stubs.startSlotAt(
      typeof hoursAhead === 'string' ? hoursAhead : new Date(Number(now) + hoursAhead * HOUR).toISOString(),
    );
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

  // ── Reminders (issue 27): the unit's policy in the input, timers in Stockholm time ──

  const WITH_REMINDERS: m.EncounterPolicy = { ...m.DEFAULT_POLICY, reminders: DEFAULT_REMINDER_POLICY };
  const sent = async (h: Awaited<ReturnType<typeof start>>) =>
    (await h.query(m.stateQuery)).timeline
      .filter((t) => t.event === 'reminder-sent')
      .map((t) => ({ kind: t.outcome, at: t.at.replace(/\.\d+Z$/, 'Z'), startsAt: t.detail?.startsAt }));
  /** Lets the skipped clock run until `iso` (the server skips the wait). */
  const sleepUntil = async (iso: string) => env.sleep(Date.parse(iso) - Number(await env.currentTimeMs()));

  // The skipped clock only moves forward (and not always by as much as asked), so the dates are found from its now.
  const stockholm = (iso: string) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const lastSundayOfOctober = (year: number) => {
    let d = `${year}-10-31`;
    while (isoWeekday(d) !== 7) d = addDays(d, -1);
    return d;
  };
  const nextYear = async () => new Date(Number(await env.currentTimeMs())).getUTCFullYear() + 1;

  it('reminders fall at Stockholm times on the previous working day where the unit asks: Maundy Thursday 18:00 before the Tuesday after Easter (RULES §2, §3)', async () => {
    const policy = { ...m.DEFAULT_POLICY, reminders: { ...DEFAULT_REMINDER_POLICY, dayBeforeWorkingDay: true } };
    await withEncounter(async (h, stubs) => {
      const easter = easterSunday(await nextYear());
      const tuesday = addDays(easter, 2);
      await sleepUntil(stockholmAt(addDays(easter, -20), 12));
      await booked(h, stubs, stockholmAt(tuesday, 10));
      await sleepUntil(new Date(Date.parse(stockholmAt(tuesday, 10)) - 5 * 60_000).toISOString());
      const got = await sent(h);
      expect(got.map((r) => r.kind)).toEqual(['booked', 'day-before', 'before-meeting']);
      // Good Friday to Easter Monday are not working days; the clock reads 18:00 whichever offset applies.
      expect(stockholm(got[1].at)).toBe(`${addDays(easter, -3)} 18:00`);
      expect(stockholm(got[2].at)).toBe(`${tuesday} 09:45`);
      await h.executeUpdate(m.cancelUpdate, { args: [{ actor: ADMIN, reason: 'Test klar' }] });
      // Ended before the worker stops: an activity left to no worker would hold the skipped clock.
      await h.result();
    }, policy);
  });

  it('across the autumn DST change the day-before reminder is still 18:00 Stockholm time on the Sunday of the change', async () => {
    await withEncounter(async (h, stubs) => {
      // The next change at least 15 days ahead (the test server hangs on sleeps of well over a year).
      const now = Number(await env.currentTimeMs());
      let year = new Date(now).getUTCFullYear();
      let sunday = lastSundayOfOctober(year);
      if (Date.parse(sunday) - now < 15 * 24 * HOUR) sunday = lastSundayOfOctober(++year);
      const monday = addDays(sunday, 1);
      await sleepUntil(stockholmAt(addDays(sunday, -10), 12));
      await booked(h, stubs, stockholmAt(monday, 10));
      await sleepUntil(stockholmAt(monday, 8));
      const dayBefore = (await sent(h)).find((r) => r.kind === 'day-before')!;
      expect(stockholm(dayBefore.at)).toBe(`${sunday} 18:00`);
      // 18:00 CET is 17:00Z; the summer-time reading (16:00Z) would be an hour early.
      expect(new Date(dayBefore.at).getUTCHours()).toBe(17);
      await h.executeUpdate(m.cancelUpdate, { args: [{ actor: ADMIN, reason: 'Test klar' }] });
      // Ended before the worker stops: an activity left to no worker would hold the skipped clock.
      await h.result();
    }, WITH_REMINDERS);
  });

  it('a reschedule moves the reminders to the new time; a cancel stops them (no reminder for a cancelled time)', async () => {
    const calls = await withEncounter(async (h, stubs) => {
      // 10:00 Stockholm time three days ahead, moved two days later; whatever the hour the test runs.
      const today = stockholmDateOf(new Date(Number(await env.currentTimeMs())));
      const first = stockholmAt(addDays(today, 3), 10);
      const moved = stockholmAt(addDays(today, 5), 10);
      await booked(h, stubs, first);
      await env.sleep(6 * HOUR);
      stubs.startSlotAt(moved);
      await h.executeUpdate(m.rescheduleUpdate, { args: [{ actor: ADMIN, slotId: 's2' }] });
      await sleepUntil(new Date(Date.parse(first) + HOUR).toISOString());
      // Nothing for the old time, one day-before for the new one still ahead.
      expect((await sent(h)).filter((r) => r.startsAt === first).map((r) => r.kind)).toEqual(['booked']);
      // 20:00 the evening before the new time: its day-before reminder (18:00) is out, the 09:45 one not yet.
      await sleepUntil(stockholmAt(addDays(today, 4), 20));
      await h.executeUpdate(m.cancelUpdate, { args: [{ actor: ADMIN, reason: 'Patienten ringde' }] });
      await h.result();
      const kinds = (await sent(h)).filter((r) => r.startsAt === moved).map((r) => r.kind);
      expect(kinds).toEqual(['booked', 'day-before']);
    }, WITH_REMINDERS);
    // The cancelled time's before-meeting reminder was never sent; each SMS once, each mail once.
    const before = (calls.sendReminder as Array<{ kind: string }>).filter((c) => c.kind === 'before-meeting');
    expect(before).toEqual([]);
    const keys = (calls.sendReminder as Array<{ kind: string; startsAt: string; channel: string }>).map(
      (c) => `${c.kind}@${c.startsAt}/${c.channel}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a patient waiting 5 minutes with the clinician absent: one SMS alert to clinician and unit, shown in the state', async () => {
    const calls = await withEncounter(async (h, stubs) => {
      await booked(h, stubs, 1);
      await env.sleep(HOUR - 10 * 60_000);
      await h.signal(m.participantJoinedSignal, { role: 'patient', source: 'test' });
      await env.sleep(4 * 60_000);
      expect(stubs.calls.sendWaitingAlert).toBeUndefined();
      await env.sleep(2 * 60_000);
      const state = await h.query(m.stateQuery);
      expect(state.waitingRoom?.alertedAt).toEqual(expect.any(String));
      expect(state.timeline.map((t) => t.event)).toContain('waiting-alert-sent');
      await h.signal(m.participantJoinedSignal, { role: 'clinician', source: 'test' });
      await h.executeUpdate(m.cancelUpdate, { args: [{ actor: ADMIN, reason: 'Test klar' }] });
      // Ended before the worker stops: an activity left to no worker would hold the skipped clock.
      await h.result();
    }, WITH_REMINDERS);
    expect(calls.sendWaitingAlert).toHaveLength(1);
  });

  it('an open kallelse not booked after 3 days gets one reminder (SMS and mail), and only one however long it stays open', async () => {
    const calls = await withEncounter(
      async (h, stubs) => {
        await env.sleep(3 * 24 * HOUR - 60_000);
        expect(stubs.calls.sendReminder).toBeUndefined();
        await env.sleep(2 * 60_000);
        expect((stubs.calls.sendReminder as Array<{ kind: string }>).map((c) => c.kind)).toEqual([
          'open-invitation',
          'open-invitation',
        ]);
        await env.sleep(4 * 24 * HOUR);
        await h.executeUpdate(m.cancelUpdate, { args: [{ actor: ADMIN, reason: 'Test klar' }] });
        await h.result();
      },
      WITH_REMINDERS,
      { invitation: { purpose: 'Uppföljning' } },
    );
    expect(calls.sendReminder).toHaveLength(2);
  });
});
