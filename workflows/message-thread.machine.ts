/**
 * A message thread as one machine: each unanswered patient message holds the 2-working-day deadline
 * (RULES.md §3; several share the earliest), a reminder goes to the unit the working day before, a
 * breach escalates and records one deviation, a staff answer resolves them; each day of care needs a
 * journal summary dated to it. Private state, one method per message, the view produced by `view()`.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { JournalActivities } from '../activities/journal';
import type { MessageActivities } from '../activities/messages';
import { stockholmDateOf } from '../domain/dates';
import { ACTIVITY_FAILURE_TYPES } from '../domain/failures';
import { deadlineOf } from '../domain/messages';
import type { Author, SummaryJournal, ThreadInput, ThreadView } from './message-thread.messages';

/**
 * Each signed day summary goes to the journal system and the thread closes only once every one is
 * there or entered by hand (issue 25). Threads started before it keep their summaries here only.
 */
export const SUMMARY_JOURNAL_PATCH = 'summary-journal-export';

interface Deadline {
  dueDate: string;
  deadlineAt: number;
  reminderAt: number;
}
/** One pass of the main loop: the deadline it waits on, whether all is settled, and its next wake-up. */
interface Plan {
  d: Deadline | null;
  key: string | null;
  settled: boolean;
  next: number | null;
}
interface CareDay {
  at: number;
  reminded: boolean;
  overdue: boolean;
  documented: boolean;
  journal?: SummaryJournal;
}

const refuse = (type: 'WrongStep' | 'Invalid', message: string, field?: string) =>
  ApplicationFailure.create({ type, message, details: field ? [{ field }] : undefined });

export class ThreadMachine {
  readonly #input: ThreadInput;
  readonly #acts: MessageActivities & JournalActivities;
  /** Whether summaries go to the journal system (SUMMARY_JOURNAL_PATCH). */
  readonly #journalExport: boolean;
  /** Summaries on their way to the journal; the thread does not end before they are there. */
  readonly #journalSends: Array<Promise<void>> = [];
  /** receivedAt of each unanswered patient message. */
  readonly #unanswered: string[] = [];
  readonly #careDays = new Map<string, CareDay>();
  #remindedFor: string | null = null;
  #breachedFor: string | null = null;
  #breaches = 0;
  #lastActivity = Date.now();
  #closed = false;
  /** Set by every message: the main loop works out its waits again. */
  #changed = false;

  constructor(input: ThreadInput) {
    this.#input = input;
    this.#acts = proxyActivities<MessageActivities & JournalActivities>({
      startToCloseTimeout: `${input.policy.activityTimeoutSeconds}s`,
      retry: { initialInterval: '500ms', maximumInterval: '20s', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] },
    });
    // In the constructor: an update delivered with the start may run before run() does.
    this.#journalExport = patched(SUMMARY_JOURNAL_PATCH);
  }

  /** The thread as the API and the query see it. */
  view(): ThreadView {
    const d = this.#deadline();
    return {
      status: this.#closed ? 'closed' : 'open',
      unanswered: this.#unanswered.length,
      deadlineAt: d ? new Date(d.deadlineAt).toISOString() : null,
      dueDate: d?.dueDate ?? null,
      breaches: this.#breaches,
      careDays: [...this.#careDays].map(([date, c]) => ({
        date,
        documented: c.documented,
        ...(c.journal ? { journal: c.journal } : {}),
      })),
    };
  }

  // ── Messages ────────────────────────────────────────────────────────────────────────────────

  assertCanPostMessage({ author }: { author: Author; text: string }): void {
    if (this.#closed) throw refuse('WrongStep', 'the thread is closed');
    if (author.kind === 'staff' && !author.signature?.trim())
      throw refuse('Invalid', 'a staff answer is signed', 'signature');
  }

  async postMessage({
    author,
    text,
  }: {
    author: Author;
    text: string;
  }): Promise<{ messageId: string; createdAt: string }> {
    const { threadId } = this.#input;
    const stored = await this.#acts.storeMessage({ threadId, author, text });
    this.#lastActivity = Date.parse(stored.createdAt);
    if (author.kind === 'patient') this.#unanswered.push(stored.createdAt);
    else {
      // An answer resolves every message before it, and the day it is given is a day of care.
      this.#unanswered.length = 0;
      const day = stockholmDateOf(stored.createdAt);
      if (!this.#careDays.has(day))
        this.#careDays.set(day, { at: this.#lastActivity, reminded: false, overdue: false, documented: false });
    }
    const kind = author.kind === 'patient' ? 'to-unit' : 'to-patient';
    await this.#acts.notifyThread({ threadId, messageId: stored.messageId, kind });
    this.#changed = true;
    await this.#project();
    return stored;
  }

  assertCanWriteSummary({ contactDate }: { author: Author; contactDate: string; text: string }): void {
    const day = this.#careDays.get(contactDate);
    if (!day) throw refuse('Invalid', 'no care was given in the thread that day', 'contactDate');
    if (day.documented) throw refuse('WrongStep', 'that day is already summarised');
  }

  async writeSummary(u: { author: Author; contactDate: string; text: string }): Promise<{ summaryId: string }> {
    const res = await this.#acts.storeSummary({ threadId: this.#input.threadId, ...u });
    const day = this.#careDays.get(u.contactDate)!;
    day.documented = true;
    this.#changed = true;
    if (this.#journalExport) {
      day.journal = 'sending';
      this.#journalSends.push(this.#toJournal(u.contactDate, day));
    }
    await this.#project();
    return res;
  }

  assertCanConfirmManualSummaryEntry({ author, contactDate }: { author: Author; contactDate: string }): void {
    if (author?.kind !== 'staff') throw refuse('Invalid', 'staff confirm a manual entry', 'author');
    if (this.#careDays.get(contactDate)?.journal !== 'manual-needed')
      throw refuse('WrongStep', "that day's summary is not waiting for a manual entry", 'contactDate');
  }

  async confirmManualSummaryEntry(u: { author: Author; contactDate: string }): Promise<ThreadView> {
    const day = this.#careDays.get(u.contactDate)!;
    await this.#acts.recordManualSummaryEntry({
      threadId: this.#input.threadId,
      contactDate: u.contactDate,
      by: u.author.id,
    });
    day.journal = 'entered-by-hand';
    this.#changed = true;
    await this.#project();
    return this.view();
  }

  /**
   * A signed summary to the journal system: retried while it is away; without a receipt in the
   * policy time (or refused) a deviation and the manual entry on the thread's page. A manual entry
   * stops a send still retrying.
   */
  async #toJournal(contactDate: string, day: CareDay): Promise<void> {
    const { threadId, policy } = this.#input;
    const scope = new CancellationScope();
    let problem: 'refused' | 'not-configured' | null = null;
    const sending = scope
      .run(() => this.#acts.exportSummaryToJournal({ threadId, contactDate }))
      .then(
        () => {
          if (day.journal === 'entered-by-hand') return;
          day.journal = 'delivered';
          this.#changed = true;
        },
        (err: unknown) => {
          if (isCancellation(err)) return;
          const type =
            err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : null;
          problem = type === 'JournalNotConfigured' ? 'not-configured' : 'refused';
        },
      );
    const done = () => day.journal === 'delivered' || day.journal === 'entered-by-hand';
    await condition(() => done() || problem !== null, (policy.journalReceiptSeconds ?? 3600) * 1000);
    if (!done()) {
      if (problem !== 'not-configured')
        await this.#acts.recordThreadDeviation({ threadId, contactDate, kind: 'not-in-journal' });
      await this.#acts.markSummaryForManualEntry({ threadId, contactDate });
      day.journal = 'manual-needed';
      this.#changed = true;
      await condition(done);
    }
    if (day.journal === 'entered-by-hand') scope.cancel();
    await sending;
  }

  close(): void {
    this.#closed = true;
    this.#changed = true;
  }

  // ── The main loop: sleep until the next deadline or message, act on what is due ──────────

  async run(): Promise<{ status: 'closed'; breaches: number }> {
    await this.#project();
    while (!this.#closed) {
      const plan = this.#plan();
      this.#changed = false;
      if (plan.next === null) await condition(() => this.#changed);
      else await condition(() => this.#changed, Math.max(1, plan.next - Date.now()));
      if (this.#changed) continue; // a message, an answer or a summary: work out the waits again
      await this.#actOnWhatIsDue(plan, Date.now());
      await this.#project();
    }
    await Promise.all(this.#journalSends);
    await this.#project();
    await condition(allHandlersFinished);
    return { status: 'closed', breaches: this.#breaches };
  }

  /** The deadline waited on and when the next reminder, breach, summary wait or idle close falls (null: only a message wakes it). */
  #plan(): Plan {
    const { policy } = this.#input;
    const d = this.#deadline();
    const key = d ? new Date(d.deadlineAt).toISOString() : null;
    const events: number[] = [];
    if (d && this.#remindedFor !== key) events.push(d.reminderAt);
    if (d && this.#breachedFor !== key) events.push(d.deadlineAt);
    for (const c of this.#careDays.values()) {
      if (c.documented) continue;
      if (!c.reminded) events.push(c.at + policy.summaryReminderSeconds * 1000);
      if (!c.overdue) events.push(c.at + policy.summaryOverdueSeconds * 1000);
    }
    // Settled: all answered, every day summarised and (where sent) in the journal system.
    const inJournal = (c: CareDay) => !c.journal || c.journal === 'delivered' || c.journal === 'entered-by-hand';
    const settled = !d && [...this.#careDays.values()].every((c) => c.documented && inJournal(c));
    if (settled) events.push(this.#lastActivity + policy.closeAfterIdleSeconds * 1000);
    return { d, key, settled, next: events.length ? Math.min(...events) : null };
  }

  /** What fell due while the loop waited on `plan` (as it stood when the wait began). */
  async #actOnWhatIsDue({ d, key, settled }: Plan, now: number): Promise<void> {
    const { policy, threadId } = this.#input;
    if (d && key && this.#breachedFor !== key && now >= d.deadlineAt) {
      this.#breachedFor = this.#remindedFor = key;
      await this.#acts.escalateLateAnswer({ threadId, deadlineAt: key, dueDate: d.dueDate });
      this.#breaches++; // counted once its deviation and escalation are recorded
    } else if (d && key && this.#remindedFor !== key && now >= d.reminderAt) {
      this.#remindedFor = key;
      const deadline = { dueDate: d.dueDate, at: key };
      await this.#acts.notifyThread({ threadId, messageId: null, kind: 'reminder', deadline });
    }
    for (const [date, c] of this.#careDays) {
      if (c.documented) continue;
      if (!c.reminded && now >= c.at + policy.summaryReminderSeconds * 1000) {
        c.reminded = true;
        await this.#acts.notifyThread({ threadId, messageId: null, kind: 'summary-reminder', contactDate: date });
      }
      if (!c.overdue && now >= c.at + policy.summaryOverdueSeconds * 1000) {
        c.overdue = true;
        await this.#acts.recordThreadDeviation({ threadId, contactDate: date });
      }
    }
    if (settled && now >= this.#lastActivity + policy.closeAfterIdleSeconds * 1000) this.#closed = true;
  }

  /** The earliest unanswered message's deadline (policy seconds in tests). */
  #deadline(): Deadline | null {
    const { policy } = this.#input;
    if (!this.#unanswered.length) return null;
    const all = this.#unanswered.map((at): Deadline => {
      if (policy.answerSeconds === undefined) {
        const d = deadlineOf(at);
        return { dueDate: d.dueDate, deadlineAt: d.deadlineAt.getTime(), reminderAt: d.reminderAt.getTime() };
      }
      const end = Date.parse(at) + policy.answerSeconds * 1000;
      const reminderAt = end - (policy.reminderBeforeSeconds ?? 0) * 1000;
      return { dueDate: stockholmDateOf(new Date(end)), deadlineAt: end, reminderAt };
    });
    return all.reduce((a, b) => (b.deadlineAt < a.deadlineAt ? b : a));
  }

  #project(): Promise<void> {
    const v = this.view();
    return this.#acts.projectThread({
      threadId: this.#input.threadId,
      status: v.status,
      dueDate: v.dueDate,
      deadlineAt: v.deadlineAt,
      overdue: this.#breachedFor !== null && this.#breachedFor === v.deadlineAt,
      undocumentedDays: v.careDays.filter((c) => !c.documented).length,
      lastActivityAt: new Date(this.#lastActivity).toISOString(),
    });
  }
}
