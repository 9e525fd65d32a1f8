/**
 * One message thread between a patient (or guardian) and a care unit as one durable workflow: each
 * unanswered patient message holds the 2-working-day deadline (RULES.md §3; several share the
 * earliest), a reminder goes to the unit the working day before, a breach escalates and records one
 * deviation, a staff answer resolves them; each day of care needs a journal summary dated to it.
 */
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities } from '@temporalio/workflow';
import type { MessageActivities } from '../activities/messages';
import { stockholmDateOf } from '../domain/dates';
import { ACTIVITY_FAILURE_TYPES } from '../domain/failures';
import { deadlineOf } from '../domain/messages';
import {
  closeThreadSignal,
  postMessageUpdate,
  threadQuery,
  ThreadInput,
  ThreadView,
  writeSummaryUpdate,
} from './message-thread.messages';
import { setHandler } from './payload-origin';

interface Deadline {
  dueDate: string;
  deadlineAt: number;
  reminderAt: number;
}

export async function messageThreadWorkflow(input: ThreadInput): Promise<{ status: 'closed'; breaches: number }> {
  const { policy, threadId } = input;
  const acts = proxyActivities<MessageActivities>({
    startToCloseTimeout: `${policy.activityTimeoutSeconds}s`,
    retry: { initialInterval: '500ms', maximumInterval: '20s', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] },
  });
  const unanswered: string[] = []; // receivedAt of each unanswered patient message
  const careDays = new Map<string, { at: number; reminded: boolean; overdue: boolean; documented: boolean }>();
  let remindedFor: string | null = null;
  let breachedFor: string | null = null;
  let breaches = 0;
  let lastActivity = Date.now();
  let closed = false;
  let changed = false;

  /** The earliest unanswered message's deadline (policy seconds in tests). */
  const deadline = (): Deadline | null => {
    if (!unanswered.length) return null;
    const all = unanswered.map((at): Deadline => {
      if (policy.answerSeconds === undefined) {
        const d = deadlineOf(at);
        return { dueDate: d.dueDate, deadlineAt: d.deadlineAt.getTime(), reminderAt: d.reminderAt.getTime() };
      }
      const end = Date.parse(at) + policy.answerSeconds * 1000;
      return {
        dueDate: stockholmDateOf(new Date(end)),
        deadlineAt: end,
        reminderAt: end - (policy.reminderBeforeSeconds ?? 0) * 1000,
      };
    });
    return all.reduce((a, b) => (b.deadlineAt < a.deadlineAt ? b : a));
  };

  const view = (): ThreadView => {
    const d = deadline();
    return {
      status: closed ? 'closed' : 'open',
      unanswered: unanswered.length,
      deadlineAt: d ? new Date(d.deadlineAt).toISOString() : null,
      dueDate: d?.dueDate ?? null,
      breaches,
      careDays: [...careDays].map(([date, c]) => ({ date, documented: c.documented })),
    };
  };

  const project = () => {
    const v = view();
    return acts.projectThread({
      threadId,
      status: v.status,
      dueDate: v.dueDate,
      deadlineAt: v.deadlineAt,
      overdue: breachedFor !== null && breachedFor === v.deadlineAt,
      undocumentedDays: v.careDays.filter((c) => !c.documented).length,
      lastActivityAt: new Date(lastActivity).toISOString(),
    });
  };

  setHandler(threadQuery, view);
  setHandler(closeThreadSignal, () => void ((closed = true), (changed = true)));
  setHandler(
    postMessageUpdate,
    async ({ author, text }) => {
      const stored = await acts.storeMessage({ threadId, author, text });
      lastActivity = Date.parse(stored.createdAt);
      if (author.kind === 'patient') unanswered.push(stored.createdAt);
      else {
        // An answer resolves every message before it, and the day it is given is a day of care.
        unanswered.length = 0;
        const day = stockholmDateOf(stored.createdAt);
        if (!careDays.has(day))
          careDays.set(day, { at: lastActivity, reminded: false, overdue: false, documented: false });
      }
      await acts.notifyThread({
        threadId,
        messageId: stored.messageId,
        kind: author.kind === 'patient' ? 'to-unit' : 'to-patient',
      });
      changed = true;
      await project();
      return stored;
    },
    {
      validator: ({ author }) => {
        if (closed) throw ApplicationFailure.create({ type: 'WrongStep', message: 'the thread is closed' });
        if (author.kind === 'staff' && !author.signature?.trim())
          throw ApplicationFailure.create({
            type: 'Invalid',
            message: 'a staff answer is signed',
            details: [{ field: 'signature' }],
          });
      },
    },
  );
  setHandler(
    writeSummaryUpdate,
    async ({ author, contactDate, text }) => {
      const res = await acts.storeSummary({ threadId, author, contactDate, text });
      careDays.get(contactDate)!.documented = true;
      changed = true;
      await project();
      return res;
    },
    {
      validator: ({ contactDate }) => {
        const day = careDays.get(contactDate);
        if (!day)
          throw ApplicationFailure.create({
            type: 'Invalid',
            message: 'no care was given in the thread that day',
            details: [{ field: 'contactDate' }],
          });
        if (day.documented)
          throw ApplicationFailure.create({ type: 'WrongStep', message: 'that day is already summarised' });
      },
    },
  );

  await project();
  while (!closed) {
    const d = deadline();
    const key = d ? new Date(d.deadlineAt).toISOString() : null;
    const events: number[] = [];
    if (d && remindedFor !== key) events.push(d.reminderAt);
    if (d && breachedFor !== key) events.push(d.deadlineAt);
    for (const c of careDays.values()) {
      if (c.documented) continue;
      if (!c.reminded) events.push(c.at + policy.summaryReminderSeconds * 1000);
      if (!c.overdue) events.push(c.at + policy.summaryOverdueSeconds * 1000);
    }
    const settled = !d && [...careDays.values()].every((c) => c.documented);
    if (settled) events.push(lastActivity + policy.closeAfterIdleSeconds * 1000);
    const next = events.length ? Math.min(...events) : null;
    changed = false;
    if (next === null) await condition(() => changed);
    else await condition(() => changed, Math.max(1, next - Date.now()));
    if (changed) continue; // a message, an answer or a summary: work out the waits again

    const now = Date.now();
    if (d && key && breachedFor !== key && now >= d.deadlineAt) {
      breachedFor = remindedFor = key;
      await acts.escalateLateAnswer({ threadId, deadlineAt: key, dueDate: d.dueDate });
      breaches++; // counted once its deviation and escalation are recorded
    } else if (d && key && remindedFor !== key && now >= d.reminderAt) {
      remindedFor = key;
      await acts.notifyThread({
        threadId,
        messageId: null,
        kind: 'reminder',
        deadline: { dueDate: d.dueDate, at: key },
      });
    }
    for (const [date, c] of careDays) {
      if (c.documented) continue;
      if (!c.reminded && now >= c.at + policy.summaryReminderSeconds * 1000) {
        c.reminded = true;
        await acts.notifyThread({ threadId, messageId: null, kind: 'summary-reminder', contactDate: date });
      }
      if (!c.overdue && now >= c.at + policy.summaryOverdueSeconds * 1000) {
        c.overdue = true;
        await acts.recordThreadDeviation({ threadId, contactDate: date });
      }
    }
    if (settled && now >= lastActivity + policy.closeAfterIdleSeconds * 1000) closed = true;
    await project();
  }
  await project();
  await condition(allHandlersFinished);
  return { status: 'closed', breaches };
}
