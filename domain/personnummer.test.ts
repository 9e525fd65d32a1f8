import fc from 'fast-check';
import {
  ageOn,
  InvalidPersonnummerError,
  isValidPersonnummer,
  luhnCheckDigit,
  parsePersonnummer,
} from './personnummer';

const TODAY = '2026-11-23';

describe('parsePersonnummer', () => {
  it('RULES §4 Luhn example: 811228987 → check digit 4 → 811228-9874', () => {
    expect(luhnCheckDigit('811228987')).toBe(4);
    expect(parsePersonnummer('811228-9874', TODAY)).toEqual({
      normalized: '19811228-9874',
      birthDate: '1981-12-28',
      coordinationNumber: false,
    });
  });

  it('RULES §4 accepts 10/12-digit forms with or without separator and normalises to 12', () => {
    for (const form of ['8112289874', '811228-9874', '198112289874', '19811228-9874', ' 19811228-9874 ']) {
      expect(parsePersonnummer(form, TODAY).normalized).toBe('19811228-9874');
    }
  });

  it('RULES §4 samordningsnummer example: a man born 1970-10-03 → 701063-2391', () => {
    expect(parsePersonnummer('701063-2391', TODAY)).toEqual({
      normalized: '19701063-2391',
      birthDate: '1970-10-03',
      coordinationNumber: true,
    });
  });

  it("RULES §4 century: latest non-future year ending in YY; '+' subtracts 100 more", () => {
    const ten = (nine: string, sep = '-') => `${nine.slice(0, 6)}${sep}${nine.slice(6)}${luhnCheckDigit(nine)}`;
    expect(parsePersonnummer(ten('121212121'), TODAY).birthDate).toBe('2012-12-12');
    expect(parsePersonnummer(ten('121212121', '+'), TODAY).birthDate).toBe('1912-12-12');
    expect(parsePersonnummer(ten('261123002'), '2026-11-23').birthDate).toBe('2026-11-23');
    // 1926 would be a centenarian this year, who writes '+': with '-' the date is in the future.
    expect(() => parsePersonnummer(ten('261124002'), '2026-11-23')).toThrow(
      expect.objectContaining({ reason: 'date' }),
    );
    expect(parsePersonnummer(ten('261124002', '+'), '2026-11-23').birthDate).toBe('1926-11-24');
    expect(parsePersonnummer(ten('270101002'), TODAY).birthDate).toBe('1927-01-01');
  });

  it('rejects malformed input with reason format', () => {
    for (const bad of ['', 'abc', '81122-9874', '811228_9874', '1981122898741', '17811228-9874', '811228-0004']) {
      expect(() => parsePersonnummer(bad, TODAY)).toThrow(InvalidPersonnummerError);
      try {
        parsePersonnummer(bad, TODAY);
      } catch (e) {
        expect((e as InvalidPersonnummerError).reason).toBe('format');
      }
    }
  });

  it('rejects impossible and future dates with reason date', () => {
    for (const bad of ['19810230-1234', '19811328-9874', '19810100-1234', '20270101-0008', '19830229-0000']) {
      expect(() => parsePersonnummer(bad, TODAY)).toThrow(expect.objectContaining({ reason: 'date' }));
    }
  });

  it('rejects a wrong check digit with reason checksum', () => {
    expect(() => parsePersonnummer('811228-9875', TODAY)).toThrow(expect.objectContaining({ reason: 'checksum' }));
    expect(isValidPersonnummer('811228-9875', TODAY)).toBe(false);
  });

  it('rejects an invalid today', () => {
    expect(() => parsePersonnummer('811228-9874', '2026-13-01')).toThrow(expect.objectContaining({ field: 'today' }));
  });

  it('property: every valid generated number round-trips through 10- and 12-digit forms', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2026-11-23T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 999 }),
        fc.boolean(),
        (birth, serial, coordination) => {
          const iso = birth.toISOString().slice(0, 10);
          const [y, m, d] = iso.split('-');
          const day = coordination ? String(Number(d) + 60) : d;
          const nine = `${y.slice(2)}${m}${day}${String(serial).padStart(3, '0')}`;
          const ten = `${nine.slice(0, 6)}-${nine.slice(6)}${luhnCheckDigit(nine)}`;
          const parsed = parsePersonnummer(ten, TODAY);
          expect(parsed.birthDate).toBe(iso);
          expect(parsed.coordinationNumber).toBe(coordination);
          expect(parsePersonnummer(parsed.normalized, TODAY)).toEqual(parsed);
        },
      ),
    );
  });

  it('property: changing one digit of a valid number breaks it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const digits = '8112289874'.split('');
        const idx = [6, 7, 8, 9][pos % 4];
        digits[idx] = String((Number(digits[idx]) + delta) % 10);
        expect(isValidPersonnummer(digits.join(''), TODAY)).toBe(false);
      }),
    );
  });
});

describe('ageOn', () => {
  it('RULES §4 age is whole years since birth', () => {
    expect(ageOn('19811228-9874', '2026-12-27')).toBe(44);
    expect(ageOn('19811228-9874', '2026-12-28')).toBe(45);
  });

  it('RULES §4 samordningsnummer age uses the day minus 60', () => {
    expect(ageOn('701063-2391', '2026-10-02')).toBe(55);
    expect(ageOn('701063-2391', '2026-10-03')).toBe(56);
  });

  it('29 February birthdays turn a year older on 1 March in non-leap years', () => {
    const pnr = `20000229-002${luhnCheckDigit('000229002')}`;
    expect(ageOn(pnr, '2001-02-28')).toBe(0);
    expect(ageOn(pnr, '2001-03-01')).toBe(1);
  });

  it('rejects a bad date with a typed error naming the field', () => {
    expect(() => ageOn('19811228-9874', '2026-02-30')).toThrow(
      expect.objectContaining({ field: 'date', reason: 'date' }),
    );
  });
});
