/** Bankgirot OCR references (RULES.md §8): Luhn check digit and optional length digit. */
import { DomainError } from './errors';
import { luhnCheckDigit } from './personnummer';

export class InvalidOcrReferenceError extends DomainError {
  constructor(message: string, reason: 'format' | 'length', field: string) {
    super(message, reason, field);
  }
}

const MIN_LENGTH = 2;
const MAX_LENGTH = 25;

/**
 * Builds an OCR reference from digits: appends the length digit (total length mod 10) when
 * asked, then the Luhn check digit over everything before it. '123' → '1230' or '12351'.
 * @param base - the payload digits, e.g. an invoice number
 */
export function makeOcrReference(base: string, opts: { lengthDigit: boolean }): string {
  if (typeof base !== 'string' || !/^\d+$/.test(base)) {
    throw new InvalidOcrReferenceError(`base must be digits only, got '${String(base)}'`, 'format', 'base');
  }
  const total = base.length + (opts.lengthDigit ? 2 : 1);
  if (total > MAX_LENGTH || total < MIN_LENGTH) {
    throw new InvalidOcrReferenceError(
      `an OCR reference is ${MIN_LENGTH}–${MAX_LENGTH} digits; this one would be ${total}`,
      'length',
      'base',
    );
  }
  const payload = opts.lengthDigit ? base + String(total % 10) : base;
  return payload + String(luhnCheckDigit(payload));
}

/**
 * Whether `ref` is a valid OCR reference: 2–25 digits, correct check digit and, when
 * `lengthDigit` is set, a correct length digit. Non-digits are malformed input and throw.
 */
export function isValidOcrReference(ref: string, opts: { lengthDigit?: boolean } = {}): boolean {
  if (typeof ref !== 'string' || !/^\d+$/.test(ref)) {
    throw new InvalidOcrReferenceError(`reference must be digits only, got '${String(ref)}'`, 'format', 'ref');
  }
  if (ref.length < MIN_LENGTH || ref.length > MAX_LENGTH) return false;
  const payload = ref.slice(0, -1);
  if (luhnCheckDigit(payload) !== Number(ref[ref.length - 1])) return false;
  if (opts.lengthDigit && Number(ref[ref.length - 2]) !== ref.length % 10) return false;
  return true;
}

/** An OCR reference as compared: without the blanks and leading zeros a bank may pad it with. */
export const bareOcr = (ocr: string): string => ocr.trim().replace(/^0+(?=\d)/, '');
