import fc from 'fast-check';
import { InvalidOcrReferenceError, isValidOcrReference, makeOcrReference } from './ocr';

describe('OCR references (RULES §8)', () => {
  it("RULES §8 example: '123' becomes 1230 with a check digit only", () => {
    expect(makeOcrReference('123', { lengthDigit: false })).toBe('1230');
    expect(isValidOcrReference('1230')).toBe(true);
  });

  it("RULES §8 example: '123' becomes 12351 with length and check digits", () => {
    expect(makeOcrReference('123', { lengthDigit: true })).toBe('12351');
    expect(isValidOcrReference('12351', { lengthDigit: true })).toBe(true);
  });

  it('RULES §8 references are 2–25 digits', () => {
    expect(makeOcrReference('1', { lengthDigit: false })).toHaveLength(2);
    expect(() => makeOcrReference('1'.repeat(24), { lengthDigit: true })).toThrow(
      expect.objectContaining({ reason: 'length' }),
    );
    expect(isValidOcrReference('0')).toBe(false);
    expect(isValidOcrReference(`${'1'.repeat(25)}0`)).toBe(false);
  });

  it('detects a wrong check digit or length digit', () => {
    expect(isValidOcrReference('1231')).toBe(false);
    expect(isValidOcrReference('12341', { lengthDigit: true })).toBe(false);
  });

  it('throws a typed error for non-digit input', () => {
    expect(() => makeOcrReference('12a', { lengthDigit: false })).toThrow(InvalidOcrReferenceError);
    expect(() => makeOcrReference('', { lengthDigit: false })).toThrow(
      expect.objectContaining({ field: 'base', reason: 'format' }),
    );
    expect(() => isValidOcrReference('12 30')).toThrow(expect.objectContaining({ field: 'ref', reason: 'format' }));
  });

  it('property: every generated reference validates, and any single-digit change is caught', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{1,20}$/),
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (base, lengthDigit, pos, delta) => {
          const ref = makeOcrReference(base, { lengthDigit });
          expect(isValidOcrReference(ref, { lengthDigit })).toBe(true);
          const i = pos % ref.length;
          const changed = ref.slice(0, i) + String((Number(ref[i]) + delta) % 10) + ref.slice(i + 1);
          expect(isValidOcrReference(changed, { lengthDigit })).toBe(false);
        },
      ),
    );
  });
});
