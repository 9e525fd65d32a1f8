/**
 * Someone is waiting (issue 27): when a patient sits in the waiting room and the booked clinician is
 * not in the meeting, the back office alerts; the patient's page says when the meeting was due and
 * when the clinician was told. Pure: the state in, sentences out (the patient's in their language),
 * times in Europe/Stockholm.
 */
import type { EncounterState } from '../workflows/encounter.messages';
import { tr, type Lang } from './i18n';

type WaitingState = Pick<
  EncounterState,
  'status' | 'patientPresent' | 'clinicianPresent' | 'sessionStartedAt' | 'slot' | 'timeline'
> & { waitingRoom?: { since: string; alertedAt: string | null } | null };

const clock = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' });

/** An instant as 'HH:MM' in Stockholm. */
export const clockTime = (iso: string): string => clock.format(new Date(iso));

export interface WaitingAlert {
  /** When the patient entered the waiting room (ISO). */
  since: string;
  /** When the meeting was due to start (ISO), if booked. */
  dueAt: string | null;
  /** The banner, e.g. 'Patienten väntar i väntrummet sedan 14:03 – mötet skulle börja 14:00'. */
  text: string;
}

/**
 * The alert for this state, or null when nobody waits unnoticed: the patient is in the waiting room
 * (video step, present, not admitted) and the booked clinician is not in the meeting.
 */
export function waitingAlert(s: WaitingState, now: Date = new Date()): WaitingAlert | null {
  if (s.status !== 'video' || !s.patientPresent || s.clinicianPresent || s.sessionStartedAt) return null;
  // The workflow's own mark when it has one; else the latest time the patient joined.
  const joined = [...s.timeline].reverse().find((t) => t.event === 'patient-joined')?.at;
  const since = s.waitingRoom?.since ?? joined ?? now.toISOString();
  const dueAt = s.slot?.startsAt ?? null;
  return { since, dueAt, text: bannerText(since, dueAt, now) };
}

/** The banner's sentence; 'skulle börja' once the start has passed, 'börjar' before it. */
export function bannerText(since: string, dueAt: string | null, now: Date = new Date()): string {
  const head = `Patienten väntar i väntrummet sedan ${clockTime(since)}`;
  if (!dueAt) return head;
  return `${head} – mötet ${Date.parse(dueAt) <= now.getTime() ? 'skulle börja' : 'börjar'} ${clockTime(dueAt)}`;
}

/** The browser tab's prefix while `n` patients wait, e.g. '(1) Patient väntar'. */
export const titlePrefix = (n: number): string | null =>
  n > 0 ? `(${n}) ${n === 1 ? 'Patient väntar' : 'Patienter väntar'}` : null;

/**
 * What the patient's waiting page says, honestly: when the meeting was due, and that (and when) the
 * clinician was told, once they have been.
 */
export function patientWaitingNotes(
  dueAt: string | null,
  toldAt: string | null,
  now: Date = new Date(),
  lang: Lang = 'sv',
): string[] {
  const notes: string[] = [];
  if (dueAt)
    notes.push(
      tr(lang, Date.parse(dueAt) <= now.getTime() ? 'meet.duePast' : 'meet.dueFuture', { time: clockTime(dueAt) }),
    );
  if (toldAt) notes.push(tr(lang, 'meet.clinicianTold', { time: clockTime(toldAt) }));
  return notes;
}
