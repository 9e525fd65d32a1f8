/**
 * A reminder's words in the reader's language (issue 28): the time, the SMS and the mail's subject.
 * Apart from domain/reminders.ts, whose planning the workflows import: i18next stays out of their bundle.
 */
import { STOCKHOLM } from './dates';
import { localeOf } from './format';
import { tr, type Lang } from './i18n';
import type { ReminderContent } from './reminders';

/** The Stockholm wall-clock time of an instant ("tisdag 8 december kl. 14:00"; "Tuesday, 8 December at 14:00"). */
export function reminderTimeIn(instant: string, lang: Lang): string {
  const d = new Date(instant);
  const locale = localeOf(lang);
  const day = new Intl.DateTimeFormat(locale, { timeZone: STOCKHOLM, weekday: 'long', day: 'numeric', month: 'long' });
  const time = new Intl.DateTimeFormat(locale, { timeZone: STOCKHOLM, hour: '2-digit', minute: '2-digit' });
  return tr(lang, 'mail.reminder.when', { day: day.format(d), time: time.format(d) });
}

const SMS_KEYS: Record<ReminderContent['kind'], string> = {
  booked: 'smsBooked',
  'day-before': 'smsDayBefore',
  'before-meeting': 'smsBeforeMeeting',
  'open-invitation': 'smsOpen',
};

/** The SMS text of a reminder (short: one or two SMS parts). */
export function reminderSmsIn(c: ReminderContent, lang: Lang): string {
  const when = c.startsAt ? reminderTimeIn(c.startsAt, lang) : '';
  return tr(lang, `mail.reminder.${SMS_KEYS[c.kind]}`, { unit: c.unitName, when, link: c.link });
}

/** The mail subject of a reminder. */
export function reminderSubjectIn(c: ReminderContent, lang: Lang): string {
  return tr(lang, c.kind === 'open-invitation' ? 'mail.reminder.subjectOpen' : 'mail.reminder.subject', {
    unit: c.unitName,
  });
}
