/** When the patient is reminded of a booked time or an open kallelse: pure, in Stockholm time (RULES.md §2, VGR practice). */
import { TZDate } from '@date-fns/tz';
import { addDays, STOCKHOLM, stockholmDateOf } from './dates';
import { addWorkingDays } from './working-days';

/** A care unit's reminder policy; the workflow gets it in its input, so a change applies to new encounters. */
export interface ReminderPolicy {
  /** An SMS when a time is booked or moved (the kallelse itself goes by mail). */
  atBooking: boolean;
  /** The day before, at this Stockholm hour (0–23); null: no day-before reminder. */
  dayBeforeHour: number | null;
  /** The day-before reminder goes on the previous Swedish working day (RULES.md §3) rather than the calendar day. */
  dayBeforeWorkingDay: boolean;
  /** This long before the start, with the link to the meeting; null: none. */
  beforeMeetingSeconds: number | null;
  /** An open kallelse still not booked this long after it was sent is reminded once; null: never. */
  openInvitationSeconds: number | null;
  /** A patient waiting this long with the booked clinician not in the meeting: an SMS to the clinician and the unit; null: none. */
  waitingAlertSeconds: number | null;
  /** SMS attempts before a reminder's SMS counts as failed (the mail goes regardless). */
  smsAttempts: number;
}

/**
 * Close to VGR's practice (RULES.md §2: SMS at booking, the same morning, 15 minutes before and at the
 * start): an SMS at booking, SMS and mail the evening before and 15 minutes before the meeting.
 */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  atBooking: true,
  dayBeforeHour: 18,
  dayBeforeWorkingDay: false,
  beforeMeetingSeconds: 15 * 60,
  openInvitationSeconds: 3 * 24 * 3600,
  waitingAlertSeconds: 5 * 60,
  smsAttempts: 5,
};

export const REMINDER_KINDS = ['booked', 'day-before', 'before-meeting', 'open-invitation'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface PlannedReminder {
  kind: ReminderKind;
  /** When it is due (an instant, ISO). */
  at: string;
}

/** `hour`:00 Stockholm time on a calendar day, as an instant (DST-aware: 18:00 is 17:00Z in winter, 16:00Z in summer). */
export function stockholmAt(day: string, hour: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(new TZDate(y, m - 1, d, hour, 0, 0, STOCKHOLM).getTime()).toISOString();
}

/**
 * The reminders of one booked time, in the order they fall due. A reminder whose time had passed when
 * the time was booked is left out (a slot booked this afternoon for tomorrow morning gets no
 * "day before" at 18:00 yesterday), and so is one that would fall at or after the start.
 * @param startsAt - the booked start
 * @param bookedAt - when this time was booked or moved to
 */
export function remindersForBooking(startsAt: string, bookedAt: string, p: ReminderPolicy): PlannedReminder[] {
  const start = Date.parse(startsAt);
  const booked = Date.parse(bookedAt);
  const out: PlannedReminder[] = [];
  if (p.atBooking) out.push({ kind: 'booked', at: new Date(booked).toISOString() });
  if (p.dayBeforeHour !== null) {
    const day = stockholmDateOf(startsAt);
    const before = p.dayBeforeWorkingDay ? addWorkingDays(day, -1) : addDays(day, -1);
    out.push({ kind: 'day-before', at: stockholmAt(before, p.dayBeforeHour) });
  }
  if (p.beforeMeetingSeconds !== null)
    out.push({ kind: 'before-meeting', at: new Date(start - p.beforeMeetingSeconds * 1000).toISOString() });
  return out
    .filter((r) => r.kind === 'booked' || (Date.parse(r.at) > booked && Date.parse(r.at) < start))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The one reminder of an open kallelse (no time chosen yet), if the policy has one. */
export function reminderForOpenInvitation(sentAt: string, p: ReminderPolicy): PlannedReminder | null {
  if (p.openInvitationSeconds === null) return null;
  return { kind: 'open-invitation', at: new Date(Date.parse(sentAt) + p.openInvitationSeconds * 1000).toISOString() };
}

/** What a reminder may say: unit, time and link — never a reason, diagnosis, note text or personnummer. */
export interface ReminderContent {
  kind: ReminderKind;
  unitName: string;
  /** The booked start (absent for an open kallelse). */
  startsAt: string | null;
  /** Where the patient confirms, cancels or joins after logging in. */
  link: string;
}

/** The Stockholm wall-clock time of an instant, as the patient reads it ("tisdag 8 december kl. 14:00"). */
export function reminderTime(instant: string): string {
  const d = new Date(instant);
  const day = new Intl.DateTimeFormat('sv-SE', {
    timeZone: STOCKHOLM,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(d);
  const time = new Intl.DateTimeFormat('sv-SE', { timeZone: STOCKHOLM, hour: '2-digit', minute: '2-digit' }).format(d);
  return `${day} kl. ${time}`;
}

/** The SMS text of a reminder (short: one or two SMS parts). */
export function reminderSms(c: ReminderContent): string {
  const when = c.startsAt ? reminderTime(c.startsAt) : '';
  switch (c.kind) {
    case 'booked':
      return `${c.unitName}: Du har en bokad tid för digitalt vårdmöte ${when}. Bekräfta eller avboka: ${c.link}`;
    case 'day-before':
      return `${c.unitName}: Påminnelse om ditt digitala vårdmöte ${when}. Bekräfta eller avboka: ${c.link}`;
    case 'before-meeting':
      return `${c.unitName}: Ditt digitala vårdmöte börjar ${when}. Logga in och gå till mötet: ${c.link}`;
    case 'open-invitation':
      return `${c.unitName}: Du har fått en kallelse till ett digitalt vårdmöte. Välj en tid på 1177.se eller kontakta mottagningen: ${c.link}`;
  }
}

/** The mail subject of a reminder. */
export function reminderSubject(c: ReminderContent): string {
  return c.kind === 'open-invitation'
    ? `Kallelse väntar på att du väljer tid: ${c.unitName}`
    : `Påminnelse: digitalt vårdmöte ${c.unitName}`;
}

/** The SMS to the clinician and the unit when a patient waits (no patient name or personnummer either). */
export function waitingAlertSms(unitName: string, startsAt: string, link: string): string {
  return `${unitName}: En patient väntar i väntrummet till mötet ${reminderTime(startsAt)}. Öppna mötet: ${link}`;
}
