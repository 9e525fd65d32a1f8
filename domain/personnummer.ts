/** Swedish personnummer and samordningsnummer (RULES.md §4): parsing, normalising, age. */
import { DomainError } from './errors';
import { isRealDate, parseDate, stockholmDateOf } from './dates';

export type PersonnummerErrorReason = 'format' | 'date' | 'checksum';

export class InvalidPersonnummerError extends DomainError {
  constructor(
    message: string,
    override readonly reason: PersonnummerErrorReason,
  ) {
    super(message, reason, 'personnummer');
  }
}

export interface ParsedPersonnummer {
  /** Twelve digits with a hyphen: 'YYYYMMDD-NNNC' (a samordningsnummer keeps its day + 60). */
  normalized: string;
  /** The real date of birth (for a samordningsnummer, the day minus 60). */
  birthDate: string;
  coordinationNumber: boolean;
}

const TEN = /^(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;
const TWELVE = /^(\d{4})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;

/** Luhn check digit (weights 2-1 from the left over nine digits), as Skatteverket defines it. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Weight 2 falls on the rightmost digit of the payload and every second one leftwards.
    const weight = (digits.length - i) % 2 === 1 ? 2 : 1;
    const p = Number(digits[i]) * weight;
    sum += p > 9 ? p - 9 : p;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Parses a personnummer or samordningsnummer in 10- or 12-digit form, with or without '-'/'+'.
 * @param input - e.g. '811228-9874', '198112289874', '701063-2391'
 * @param today - 'YYYY-MM-DD' used to infer the century of a 10-digit form (default: today in Stockholm)
 * @throws InvalidPersonnummerError with reason 'format' | 'date' | 'checksum'
 */
export function parsePersonnummer(input: string, today?: string): ParsedPersonnummer {
  if (typeof input !== 'string') throw new InvalidPersonnummerError('personnummer must be a string', 'format');
  const s = input.trim();
  const ref = today === undefined ? stockholmDateOf(new Date()) : today;
  const refDate = parseDate(ref, 'today');
  const refYear = refDate.getUTCFullYear();

  let year: number;
  let m = TWELVE.exec(s);
  let yy: string, mm: string, dd: string, serial: string, check: string;
  if (m) {
    [, , mm, dd, , serial, check] = m;
    year = Number(m[1]);
    yy = m[1].slice(2);
    if (year < 1800 || year > 2099)
      throw new InvalidPersonnummerError(`century ${m[1].slice(0, 2)} is not 18, 19 or 20`, 'format');
  } else if ((m = TEN.exec(s))) {
    [, yy, mm, dd, , serial, check] = m;
    // Latest year ending in YY that is not after this year; '+' (aged 100 or more) is 100 years earlier.
    year = refYear - (((((refYear % 100) - Number(yy)) % 100) + 100) % 100);
    if (m[4] === '+') year -= 100;
  } else {
    throw new InvalidPersonnummerError(`'${input}' is not YYMMDD-NNNC or YYYYMMDD-NNNC`, 'format');
  }

  const day = Number(dd);
  const coordinationNumber = day > 60;
  const birthDay = coordinationNumber ? day - 60 : day;
  if (!isRealDate(year, Number(mm), birthDay)) {
    throw new InvalidPersonnummerError(`${year}-${mm}-${String(birthDay).padStart(2, '0')} is not a real date`, 'date');
  }
  const birthDate = `${year}-${mm}-${String(birthDay).padStart(2, '0')}`;
  if (birthDate > ref) throw new InvalidPersonnummerError(`birth date ${birthDate} is in the future`, 'date');
  if (serial === '000') throw new InvalidPersonnummerError('birth number 000 does not exist', 'format');
  if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) !== Number(check)) {
    throw new InvalidPersonnummerError(`check digit ${check} is wrong for '${input}'`, 'checksum');
  }
  return { normalized: `${year}${mm}${dd}-${serial}${check}`, birthDate, coordinationNumber };
}

/** Whether a string is a valid personnummer or samordningsnummer. */
export function isValidPersonnummer(input: string, today?: string): boolean {
  try {
    parsePersonnummer(input, today);
    return true;
  } catch (e) {
    if (e instanceof InvalidPersonnummerError) return false;
    throw e;
  }
}

/**
 * Age in whole years on a date. Someone born on 29 February turns a year older on 1 March in
 * non-leap years (a product decision: RULES.md leaves it open).
 * @param personnummer - any form parsePersonnummer accepts
 * @param date - 'YYYY-MM-DD'
 */
export function ageOn(personnummer: string, date: string): number {
  parseDate(date, 'date');
  const { birthDate } = parsePersonnummer(personnummer, date);
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}

/** Sex as encoded in the birth number's last digit (odd = man, even = woman). */
export function legalSexOf(personnummer: string, today?: string): 'male' | 'female' {
  const { normalized } = parsePersonnummer(personnummer, today);
  return Number(normalized[11]) % 2 === 1 ? 'male' : 'female';
}
