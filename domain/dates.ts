/** Calendar-date helpers over 'YYYY-MM-DD' strings, independent of the machine's time zone. */
import { addDays as dfAddDays, addYears as dfAddYears, format, isValid } from 'date-fns';
import { UTCDate } from '@date-fns/utc';
import { TZDate } from '@date-fns/tz';
import { InvalidInputError } from './errors';

export const STOCKHOLM = 'Europe/Stockholm';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** True when y-m-d is a real Gregorian date. */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Validates a 'YYYY-MM-DD' string and returns it as a UTC midnight date.
 * @param value - the date string
 * @param field - the input's name, used in the error
 */
export function parseDate(value: unknown, field = 'date'): UTCDate {
  if (typeof value !== 'string') throw new InvalidInputError(`${field} must be a 'YYYY-MM-DD' string`, 'format', field);
  const m = DATE_RE.exec(value);
  if (!m) throw new InvalidInputError(`${field} must be a 'YYYY-MM-DD' string, got '${value}'`, 'format', field);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) throw new InvalidInputError(`${field} '${value}' is not a real date`, 'date', field);
  return new UTCDate(Date.UTC(y, mo - 1, d));
}

export function formatDate(d: Date): string {
  return format(d, 'yyyy-MM-dd');
}

export function addDays(date: string, n: number): string {
  return formatDate(dfAddDays(parseDate(date), n));
}

/** The same calendar date `n` years later; 29 February moves to 1 March in a non-leap year. */
export function addYearsKeepingDay(date: string, n: number): string {
  const d = parseDate(date);
  const shifted = dfAddYears(d, n);
  // date-fns clamps 29 Feb to 28 Feb; an anniversary of a leap day falls on 1 March instead.
  if (d.getUTCMonth() === 1 && d.getUTCDate() === 29 && shifted.getUTCDate() === 28)
    return addDays(formatDate(shifted), 1);
  return formatDate(shifted);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const wd = parseDate(date).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/**
 * Validates an ISO-8601 instant with an explicit offset (or Z) and returns it as a Date.
 * @param value - e.g. '2026-04-02T09:15:00+02:00'
 * @param field - the input's name, used in the error
 */
export function parseInstant(value: unknown, field = 'instant'): Date {
  if (typeof value !== 'string' || !INSTANT_RE.test(value)) {
    throw new InvalidInputError(
      `${field} must be an ISO-8601 instant with offset, e.g. 2026-04-02T09:15:00Z`,
      'format',
      field,
    );
  }
  parseDate(value.slice(0, 10), field);
  const d = new Date(value);
  if (!isValid(d)) throw new InvalidInputError(`${field} '${value}' is not a real instant`, 'date', field);
  return d;
}

/** The calendar date in Stockholm at the given instant. */
export function stockholmDateOf(instant: string | Date, field = 'instant'): string {
  const d = typeof instant === 'string' ? parseInstant(instant, field) : instant;
  return format(new TZDate(d.getTime(), STOCKHOLM), 'yyyy-MM-dd');
}

/** Compares two 'YYYY-MM-DD' strings (lexical order is calendar order). */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 00:00 in Stockholm on a calendar day ('YYYY-MM-DD'), as an instant: a period of whole Swedish days starts here. */
export function stockholmMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(new TZDate(y, m - 1, d, STOCKHOLM).getTime());
}
