/** Swedish public holidays and working days (RULES.md §3, Lag 1989:253, Lag 1930:173 §2). */
import { addDays, isoWeekday, parseDate, stockholmDateOf } from './dates';
import { InvalidInputError } from './errors';

const MIN_YEAR = 1900;
const MAX_YEAR = 2199;

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  checkYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The named public holidays of a year, date → Swedish name (the current law, for every year). */
export function swedishPublicHolidays(year: number): Map<string, string> {
  checkYear(year);
  const easter = easterSunday(year);
  const y = String(year);
  return new Map<string, string>([
    [`${y}-01-01`, 'Nyårsdagen'],
    [`${y}-01-06`, 'Trettondedag jul'],
    [addDays(easter, -2), 'Långfredagen'],
    [easter, 'Påskdagen'],
    [addDays(easter, 1), 'Annandag påsk'],
    [`${y}-05-01`, 'Första maj'],
    [addDays(easter, 39), 'Kristi himmelsfärdsdag'],
    [addDays(easter, 49), 'Pingstdagen'],
    [`${y}-06-06`, 'Sveriges nationaldag'],
    [saturdayBetween(`${y}-06-20`), 'Midsommardagen'],
    [saturdayBetween(`${y}-10-31`), 'Alla helgons dag'],
    [`${y}-12-25`, 'Juldagen'],
    [`${y}-12-26`, 'Annandag jul'],
  ]);
}

/**
 * Whether a date is one of the named public holidays of Lag 1989:253 (every Sunday is also a
 * holiday by law; `isWorkingDay` covers weekends).
 * @param date - 'YYYY-MM-DD', year 1900–2199
 */
export function isSwedishPublicHoliday(date: string): boolean {
  return swedishPublicHolidays(yearOf(date)).has(date);
}

/** The eves that are not working days although not public holidays: midsommar-, jul- and nyårsafton. */
export function isNonWorkingEve(date: string): boolean {
  const year = yearOf(date);
  const md = date.slice(5);
  return md === '12-24' || md === '12-31' || date === addDays(saturdayBetween(`${year}-06-20`), -1);
}

/** Monday–Friday, not a public holiday and not midsommarafton, julafton or nyårsafton. */
export function isWorkingDay(date: string): boolean {
  return isoWeekday(date) <= 5 && !isSwedishPublicHoliday(date) && !isNonWorkingEve(date);
}

/**
 * Moves `n` working days from `date` (forwards when positive, backwards when negative); the
 * start date itself is never counted. `n = 0` returns `date`.
 */
export function addWorkingDays(date: string, n: number): string {
  parseDate(date, 'date');
  if (!Number.isInteger(n)) throw new InvalidInputError(`n must be an integer, got ${n}`, 'format', 'n');
  const step = n < 0 ? -1 : 1;
  let current = date;
  for (let left = Math.abs(n); left > 0;) {
    current = addDays(current, step);
    yearOf(current);
    if (isWorkingDay(current)) left--;
  }
  return current;
}

/** Working days the answer rule allows (VGR HS 20-2016). */
export const ANSWER_WORKING_DAYS = 2;

/**
 * The Stockholm date by whose end a message received at `receivedAt` must be answered:
 * two working days, counted from the first working day after the Stockholm day of arrival.
 * @param receivedAt - ISO-8601 instant with offset
 */
export function answerDueDate(receivedAt: string): string {
  return addWorkingDays(stockholmDateOf(receivedAt, 'receivedAt'), ANSWER_WORKING_DAYS);
}

function yearOf(date: string): number {
  const year = parseDate(date, 'date').getUTCFullYear();
  checkYear(year);
  return year;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new InvalidInputError(`year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}`, 'range', 'date');
  }
}

/** The Saturday in the seven days starting at `from` (midsommardagen, alla helgons dag). */
function saturdayBetween(from: string): string {
  return addDays(from, (6 - isoWeekday(from) + 7) % 7);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
