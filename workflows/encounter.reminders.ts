/**
 * The encounter's reminders (issue 27) as workflow timers: one loop per encounter that plans the
 * current booking's reminders, sleeps until each, and starts over when the time moves; and a watch on
 * the waiting room that tells the clinician and the unit by SMS when a patient waits unnoticed.
 * Deterministic: the plan is pure (domain/reminders.ts), the sends are activities.
 */
import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { ReminderActivities } from '../activities/reminders';
import { ACTIVITY_FAILURE_TYPES } from '../domain/failures';
import {
  reminderForOpenInvitation,
  remindersForBooking,
  type PlannedReminder,
  type ReminderPolicy,
} from '../domain/reminders';
import type { BookedSlot, EncounterState } from './encounter.messages';

/** What the reminders read of the machine, and how they write to its timeline. */
export interface ReminderHost {
  encounterId: string;
  policy: ReminderPolicy;
  activityTimeoutSeconds: number;
  slot(): BookedSlot | null;
  /** Bumped on every (re)booking. */
  slotVersion(): number;
  invitation(): EncounterState['invitation'];
  /** Cancelled, ended, or the meeting has begun: no more reminders. */
  over(): boolean;
  /** The patient is in the waiting room and the booked clinician is not in the meeting. */
  waitingUnnoticed(): boolean;
  /** The session started or the encounter left the video step. */
  waitingOver(): boolean;
  record(event: string, outcome: string, detail?: Record<string, unknown>): void;
  alerted(at: string): void;
  project(): Promise<void>;
}

const msUntil = (iso: string): number => Math.max(0, Date.parse(iso) - Date.now());
/** A day-before or before-meeting reminder this late is not sent. */
const STALE_MS = 2 * 3600_000;
const keyOf = (r: PlannedReminder, startsAt: string | null) => `${r.kind}@${startsAt ?? 'open'}`;

export function createReminders(host: ReminderHost) {
  const retry = { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] };
  const timeout = `${host.activityTimeoutSeconds}s`;
  // A mail server away for good must not hold up the later reminders: a bounded number of attempts.
  const mail = proxyActivities<ReminderActivities>({
    startToCloseTimeout: timeout,
    retry: { ...retry, maximumAttempts: 10 },
  });
  // An SMS centre that stays away ends as a visible failure after the policy's attempts; the mail does not wait for it.
  const sms = proxyActivities<ReminderActivities>({
    startToCloseTimeout: timeout,
    retry: { ...retry, maximumAttempts: host.policy.smsAttempts },
  });
  const sent = new Set<string>();

  const failure = (err: unknown) =>
    err instanceof ActivityFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);

  /** One reminder on each channel the patient wants (the activity reads the choice when it sends). */
  async function send(r: PlannedReminder, startsAt: string | null): Promise<void> {
    const input = { encounterId: host.encounterId, kind: r.kind, startsAt };
    // At booking the kallelse goes by mail already (the pre-meeting step): this one is the SMS alone.
    const channels = r.kind === 'booked' ? (['sms'] as const) : (['mail', 'sms'] as const);
    const results = await Promise.allSettled(
      channels.map((channel) => (channel === 'sms' ? sms : mail).sendReminder({ ...input, channel })),
    );
    const done = channels.filter((c, i) => {
      const res = results[i];
      return res.status === 'fulfilled' && res.value.status !== 'skipped';
    });
    results.forEach((res, i) => {
      if (res.status === 'rejected')
        host.record('reminder-failed', channels[i], { kind: r.kind, channel: channels[i], error: failure(res.reason) });
    });
    if (done.length) host.record('reminder-sent', r.kind, { channels: done, ...(startsAt ? { startsAt } : {}) });
  }

  return {
    /** Runs until the encounter is over; each reminder of each booked time is sent at most once. */
    async run(): Promise<void> {
      for (;;) {
        if (host.over()) return;
        const version = host.slotVersion();
        const slot = host.slot();
        const invitation = host.invitation();
        const plan = slot
          ? remindersForBooking(slot.startsAt, slot.bookedAt, host.policy)
          : invitation && !invitation.acceptedAt
            ? [reminderForOpenInvitation(invitation.sentAt, host.policy)].filter((r) => r !== null)
            : [];
        const startsAt = slot?.startsAt ?? null;
        const next = plan.find((r) => !sent.has(keyOf(r, startsAt)));
        const changed = () => host.over() || host.slotVersion() !== version;
        if (!next) {
          await condition(changed);
          continue;
        }
        // Due already (the SMS at booking): no timer at all (a zero timeout would need the SDK's own patch).
        const wait = msUntil(next.at);
        if (wait > 0 ? await condition(changed, wait) : changed()) continue;
        sent.add(keyOf(next, startsAt));
        // Come too late (a worker away for hours, a slow send before it): a reminder after the start, or a
        // day-before one in the night, helps nobody.
        const now = Date.now();
        const stale =
          (startsAt !== null && now >= Date.parse(startsAt)) ||
          ((next.kind === 'day-before' || next.kind === 'before-meeting') && now - Date.parse(next.at) > STALE_MS);
        if (stale) {
          host.record('reminder-skipped', next.kind, startsAt ? { startsAt } : undefined);
          continue;
        }
        await send(next, startsAt);
        await host.project();
      }
    },

    /** Once per encounter: a patient left waiting this long with the clinician absent gets the clinician and the unit told. */
    async watchWaitingRoom(): Promise<void> {
      const seconds = host.policy.waitingAlertSeconds;
      if (seconds === null) return;
      for (;;) {
        await condition(() => host.waitingOver() || host.waitingUnnoticed());
        if (host.waitingOver()) return;
        const noticed = await condition(() => host.waitingOver() || !host.waitingUnnoticed(), seconds * 1000);
        if (noticed) continue;
        try {
          const alert = await sms.sendWaitingAlert({ encounterId: host.encounterId });
          // The patient's page says the clinician was told only when an SMS really went.
          const told = alert.sent > 0;
          if (told) host.alerted(new Date(Date.now()).toISOString());
          host.record(told ? 'waiting-alert-sent' : 'waiting-alert-failed', told ? 'sent' : 'refused', {
            ...alert,
            waitedSeconds: seconds,
          });
        } catch (err) {
          host.record('waiting-alert-failed', 'refused', { error: failure(err) });
        }
        await host.project();
        return;
      }
    },
  };
}
