/**
 * The booking contracts' times (RULES.md §7): `YYYYMMDDhhmmss` and dates `YYYYMMDD`, always Swedish
 * local time (CET/CEST) with no zone in the message.
 */
import { format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { STOCKHOLM } from './dates';

/** An instant as the contracts write it, in Stockholm time. */
export function toRivtaTime(d: Date | string): string {
  return format(new TZDate(new Date(d).getTime(), STOCKHOLM), 'yyyyMMddHHmmss');
}

/** The Stockholm calendar date of an instant, as `YYYYMMDD`. */
export function toRivtaDate(d: Date | string): string {
  return format(new TZDate(new Date(d).getTime(), STOCKHOLM), 'yyyyMMdd');
}

/** The instant a `YYYYMMDDhhmmss` Stockholm time names. */
export function fromRivtaTime(ts: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(ts);
  if (!m) throw new Error(`not a YYYYMMDDhhmmss time: ${ts}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return new Date(new TZDate(y, mo - 1, d, h, mi, s, STOCKHOLM).getTime());
}

/** The Stockholm day `YYYYMMDD` as the instants [start, next day's start). */
export function rivtaDayRange(date: string): { from: Date; to: Date } {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a YYYYMMDD date: ${date}`);
  const [y, mo, d] = m.slice(1).map(Number);
  return {
    from: new Date(new TZDate(y, mo - 1, d, STOCKHOLM).getTime()),
    to: new Date(new TZDate(y, mo - 1, d + 1, STOCKHOLM).getTime()),
  };
}
