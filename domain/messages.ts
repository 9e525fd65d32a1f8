/**
 * Asynchronous messages (RULES.md §3), pure: the answer deadline of a patient's message, the earliest
 * of several, the reminder the working day before, and the time left in working days and hours.
 */
import { addDays, stockholmDateOf, stockholmMidnight } from './dates';
import { InvalidInputError } from './errors';
import { addWorkingDays, answerDueDate, isWorkingDay } from './working-days';

/** A message is plain text of at most this many characters. */
export const MESSAGE_MAX_CHARS = 4000;

export interface AnswerDeadline {
  /** The Stockholm day by whose end the answer is due. */
  dueDate: string;
  /** The end of that day, as an instant. */
  deadlineAt: Date;
  /** 08:00 Stockholm time on the working day before the due date: the unit's reminder. */
  reminderAt: Date;
}

/** The deadline of one message received at `receivedAt` (ISO-8601 with offset). */
export function deadlineOf(receivedAt: string): AnswerDeadline {
  const dueDate = answerDueDate(receivedAt);
  const dayBefore = addWorkingDays(dueDate, -1);
  return {
    dueDate,
    deadlineAt: stockholmMidnight(addDays(dueDate, 1)),
    reminderAt: new Date(stockholmMidnight(dayBefore).getTime() + 8 * 3600_000),
  };
}

/** Several unanswered messages share the earliest deadline; none, none. */
export function earliestDeadline(receivedAts: string[]): AnswerDeadline | null {
  if (!receivedAts.length) return null;
  return receivedAts.map(deadlineOf).reduce((a, b) => (b.deadlineAt < a.deadlineAt ? b : a));
}

export interface TimeLeft {
  overdue: boolean;
  /** Whole working days after today up to and including the due date. */
  workingDays: number;
  /** Hours left today (0 on a day that is not a working day), or hours overdue. */
  hours: number;
}

/** How long is left until `deadlineAt`, as staff count it: working days after today, and hours today. */
export function timeLeft(now: Date, deadline: Pick<AnswerDeadline, 'dueDate' | 'deadlineAt'>): TimeLeft {
  if (now >= deadline.deadlineAt)
    return {
      overdue: true,
      workingDays: 0,
      hours: Math.floor((now.getTime() - deadline.deadlineAt.getTime()) / 3600_000),
    };
  const today = stockholmDateOf(now);
  let workingDays = 0;
  for (let d = addDays(today, 1); d <= deadline.dueDate; d = addDays(d, 1)) if (isWorkingDay(d)) workingDays++;
  const endOfToday = Math.min(stockholmMidnight(addDays(today, 1)).getTime(), deadline.deadlineAt.getTime());
  const hours = isWorkingDay(today) ? Math.floor((endOfToday - now.getTime()) / 3600_000) : 0;
  return { overdue: false, workingDays, hours };
}

/**
 * RULES.md §9: every Stockholm day on which staff answered is a day of care that needs its own
 * journal summary; returns those without one, oldest first.
 */
export function daysToSummarise(answeredAt: Date[], summarised: string[]): string[] {
  const done = new Set(summarised);
  return [...new Set(answeredAt.map((at) => stockholmDateOf(at)))].filter((d) => !done.has(d)).sort();
}

/** 'Svar senast om 1 arbetsdag och 5 timmar' / 'Försenat 3 timmar', for the queue. */
export function timeLeftSv(t: TimeLeft): string {
  if (t.overdue) return `Försenat ${t.hours} ${t.hours === 1 ? 'timme' : 'timmar'}`;
  const days = `${t.workingDays} ${t.workingDays === 1 ? 'arbetsdag' : 'arbetsdagar'}`;
  return `${days} och ${t.hours} ${t.hours === 1 ? 'timme' : 'timmar'} kvar`;
}

/** The text of a message: trimmed, not empty, at most MESSAGE_MAX_CHARS; never interpreted as markup anywhere. */
export function messageText(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidInputError('text must be a string', 'format', 'text');
  const text = raw.replace(/\r\n/g, '\n').trim();
  if (!text) throw new InvalidInputError('text must not be empty', 'empty', 'text');
  if (text.length > MESSAGE_MAX_CHARS)
    throw new InvalidInputError(`text is longer than ${MESSAGE_MAX_CHARS} characters`, 'too-long', 'text');
  return text;
}
