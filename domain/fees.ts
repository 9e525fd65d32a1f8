/** Patient fees and the high-cost protection for open care (högkostnadsskydd, RULES.md §1–2). */
import { addDays, addYearsKeepingDay, parseDate } from './dates';
import { DomainError, InvalidInputError } from './errors';

/** Prisbasbelopp in SEK by year (SCB; 2026 per SFS 2025:872). */
export const PRISBASBELOPP: Readonly<Record<number, number>> = {
  2018: 45_500,
  2019: 46_500,
  2020: 47_300,
  2021: 47_600,
  2022: 48_300,
  2023: 52_500,
  2024: 57_300,
  2025: 58_800,
  2026: 59_200,
};

export class UnknownPriceBaseAmountError extends DomainError {
  constructor(year: number) {
    super(`no prisbasbelopp is known for ${year}`, 'unknown-year', 'date');
  }
}

/**
 * The national high-cost ceiling in öre for the year of `date`: 2.5 % of the prisbasbelopp,
 * rounded down to whole 50 SEK (SFS 2013:515).
 * @param date - 'YYYY-MM-DD'
 */
export function ceilingFor(date: string): number {
  const year = parseDate(date, 'date').getUTCFullYear();
  const pbb = PRISBASBELOPP[year];
  if (pbb === undefined) throw new UnknownPriceBaseAmountError(year);
  // 0.025 × pbb rounded down to 50 SEK = floor(pbb / 2000) × 50, in integers to avoid float error.
  return Math.floor(pbb / 2000) * 50 * 100;
}

export interface HighCostPeriod {
  /** The day of the first paid (or invoiced) visit. */
  startDate: string;
  /** Fees counted towards the ceiling so far, öre. */
  paidOre: number;
  /** Last day of the free card, when one was issued. */
  freeCardUntil?: string;
}

export interface FeeInput {
  visitDate: string;
  listFeeOre: number;
  ageYears: number;
  /** Patients younger than this pay nothing (Stockholm 18, VGR 20). */
  freeBelowAge: number;
  /** Patients this old or older pay nothing (85, SFS 2016:1298). */
  freeFromAge: number;
  period: HighCostPeriod | null;
}

export type FeeReason = 'exempt-age' | 'free-card' | 'partial' | 'full';

export interface FeeDecision {
  chargeOre: number;
  reason: FeeReason;
  period: HighCostPeriod | null;
  freeCardIssued: boolean;
}

/** The last day of a 12-month period starting on `startDate` (25 April → 24 April next year). */
export function periodEnd(startDate: string): string {
  return addDays(addYearsKeepingDay(startDate, 1), -1);
}

/**
 * Decides the fee for one visit against the patient's high-cost period. The ceiling is the one
 * in force when the period began; an expired period is replaced by a new one starting at this
 * visit; a visit that crosses the ceiling pays only what is left and issues a free card until
 * the period's last day.
 * @param input - visit, list fee, age thresholds and the current period (or null)
 * @throws InvalidInputError naming the malformed field
 */
export function decideFee(input: FeeInput): FeeDecision {
  validate(input);
  const { visitDate, listFeeOre, ageYears, freeBelowAge, freeFromAge } = input;
  let period = input.period;
  if (period && visitDate < period.startDate) {
    throw new InvalidInputError(
      `visitDate ${visitDate} is before the period start ${period.startDate}`,
      'order',
      'visitDate',
    );
  }
  if (period && visitDate > periodEnd(period.startDate)) period = null;

  if (ageYears < freeBelowAge || ageYears >= freeFromAge) {
    return { chargeOre: 0, reason: 'exempt-age', period, freeCardIssued: false };
  }
  if (period?.freeCardUntil && visitDate <= period.freeCardUntil) {
    return { chargeOre: 0, reason: 'free-card', period, freeCardIssued: false };
  }
  if (listFeeOre === 0) return { chargeOre: 0, reason: 'full', period, freeCardIssued: false };

  const current: HighCostPeriod = period ?? { startDate: visitDate, paidOre: 0 };
  const ceiling = ceilingFor(current.startDate);
  const remaining = Math.max(0, ceiling - current.paidOre);
  const chargeOre = Math.min(listFeeOre, remaining);
  const paidOre = current.paidOre + chargeOre;
  const freeCardIssued = paidOre >= ceiling;
  const next: HighCostPeriod = { startDate: current.startDate, paidOre };
  if (freeCardIssued) next.freeCardUntil = periodEnd(current.startDate);
  if (chargeOre === 0) return { chargeOre: 0, reason: 'free-card', period: next, freeCardIssued };
  return { chargeOre, reason: chargeOre < listFeeOre ? 'partial' : 'full', period: next, freeCardIssued };
}

function validate(input: FeeInput): void {
  if (input === null || typeof input !== 'object')
    throw new InvalidInputError('fee input must be an object', 'format', 'input');
  parseDate(input.visitDate, 'visitDate');
  nonNegativeInt(input.listFeeOre, 'listFeeOre');
  nonNegativeInt(input.ageYears, 'ageYears');
  nonNegativeInt(input.freeBelowAge, 'freeBelowAge');
  nonNegativeInt(input.freeFromAge, 'freeFromAge');
  const p = input.period;
  if (p === null) return;
  if (typeof p !== 'object' || p === undefined)
    throw new InvalidInputError('period must be an object or null', 'format', 'period');
  parseDate(p.startDate, 'period.startDate');
  nonNegativeInt(p.paidOre, 'period.paidOre');
  if (p.freeCardUntil !== undefined) parseDate(p.freeCardUntil, 'period.freeCardUntil');
}

function nonNegativeInt(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidInputError(`${field} must be an integer, got ${String(value)}`, 'format', field);
  }
  if (value < 0) throw new InvalidInputError(`${field} must not be negative, got ${value}`, 'negative', field);
}

/** Region fee policies (RULES.md §2); the values a care unit's policy starts from. */
export const REGION_FEES = {
  stockholm: { videoVisitOre: 27_500, noShowOre: 40_000, freeBelowAge: 18, freeFromAge: 85 },
  vgr: { videoVisitOre: 20_000, noShowOre: 20_000, freeBelowAge: 20, freeFromAge: 85 },
} as const;
export type Region = keyof typeof REGION_FEES;

export type Profession = 'doctor' | 'nurse' | 'psychologist' | 'physiotherapist' | 'other';
export type Modality = 'video' | 'phone';

/**
 * The list fee of a booked digital meeting (RULES.md §2): Stockholm 275 SEK for video with any
 * profession and free by phone; VGR 200/50 SEK for video and 160/40 SEK by phone, the higher
 * rate for doctors and physiotherapists/OTs.
 */
export function listFeeOre(region: Region, profession: Profession, modality: Modality): number {
  if (region === 'stockholm') return modality === 'video' ? REGION_FEES.stockholm.videoVisitOre : 0;
  const high = profession === 'doctor' || profession === 'physiotherapist';
  if (modality === 'video') return high ? 20_000 : 5_000;
  return high ? 16_000 : 4_000;
}

/**
 * The no-show (or late-cancellation) fee (RULES.md §2). Stockholm: 400 SEK for everyone,
 * including fee-exempt patients and free-card holders. VGR: the ordinary fee, and for
 * fee-exempt patients a flat 200 SEK (unverified in RULES.md; a product setting).
 * Never counts towards the high-cost ceiling.
 */
export function noShowFeeOre(region: Region, ordinaryFeeOre: number, feeExempt: boolean): number {
  if (region === 'stockholm') return REGION_FEES.stockholm.noShowOre;
  return feeExempt ? REGION_FEES.vgr.noShowOre : ordinaryFeeOre;
}
