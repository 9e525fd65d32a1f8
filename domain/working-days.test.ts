import fc from 'fast-check';
import { addDays, stockholmDateOf } from './dates';
import {
  addWorkingDays,
  answerDueDate,
  easterSunday,
  isSwedishPublicHoliday,
  isWorkingDay,
  swedishPublicHolidays,
} from './working-days';

describe('Swedish public holidays (RULES §3, Lag 1989:253)', () => {
  const table: Record<number, string[]> = {
    2025: [
      '01-01',
      '01-06',
      '04-18',
      '04-20',
      '04-21',
      '05-01',
      '05-29',
      '06-08',
      '06-06',
      '06-21',
      '11-01',
      '12-25',
      '12-26',
    ],
    2026: [
      '01-01',
      '01-06',
      '04-03',
      '04-05',
      '04-06',
      '05-01',
      '05-14',
      '05-24',
      '06-06',
      '06-20',
      '10-31',
      '12-25',
      '12-26',
    ],
  };

  it.each(Object.entries(table))('RULES §3 holiday table for %s', (year, days) => {
    const holidays = [...swedishPublicHolidays(Number(year)).keys()].sort();
    expect(holidays).toEqual(days.map((d) => `${year}-${d}`).sort());
    for (const d of days) expect(isSwedishPublicHoliday(`${year}-${d}`)).toBe(true);
  });

  it('RULES §3 Easter by algorithm matches known dates across the range', () => {
    expect(easterSunday(1900)).toBe('1900-04-15');
    expect(easterSunday(2000)).toBe('2000-04-23');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(2199)).toBe('2199-04-14');
  });

  it('RULES §3 Whit Monday is not a holiday', () => {
    expect(isSwedishPublicHoliday('2026-05-25')).toBe(false);
    expect(isWorkingDay('2026-05-25')).toBe(true);
  });

  it('RULES §3 non-working eves: midsommarafton 2025-06-20 and 2026-06-19, julafton, nyårsafton', () => {
    for (const d of ['2025-06-20', '2026-06-19', '2026-12-24', '2026-12-31']) {
      expect(isSwedishPublicHoliday(d)).toBe(false);
      expect(isWorkingDay(d)).toBe(false);
    }
  });

  it('weekends are not working days, ordinary weekdays are', () => {
    expect(isWorkingDay('2026-11-21')).toBe(false);
    expect(isWorkingDay('2026-11-22')).toBe(false);
    expect(isWorkingDay('2026-11-23')).toBe(true);
  });

  it('rejects years outside 1900–2199 and malformed dates', () => {
    expect(() => isWorkingDay('1899-12-29')).toThrow(expect.objectContaining({ reason: 'range' }));
    expect(() => isWorkingDay('2200-01-02')).toThrow(expect.objectContaining({ reason: 'range' }));
    expect(() => isWorkingDay('2026-02-29')).toThrow(expect.objectContaining({ reason: 'date' }));
    expect(() => isSwedishPublicHoliday('26-01-01')).toThrow(expect.objectContaining({ reason: 'format' }));
    expect(() => addWorkingDays('2026-01-01', 1.5)).toThrow(expect.objectContaining({ field: 'n' }));
  });

  it('property: every year 1900–2199 has its named holidays (some may coincide), Easter on a Sunday in 22 Mar–25 Apr', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2199 }), (year) => {
        const size = swedishPublicHolidays(year).size;
        expect(size).toBeGreaterThanOrEqual(12);
        expect(size).toBeLessThanOrEqual(13);
        const easter = easterSunday(year);
        expect(new Date(`${easter}T00:00:00Z`).getUTCDay()).toBe(0);
        expect(easter.slice(5) >= '03-22' && easter.slice(5) <= '04-25').toBe(true);
      }),
    );
  });
});

describe('answerDueDate (RULES §3 two-working-day rule)', () => {
  it('RULES §3 example: arrives Thu 2026-04-02 → due Wed 2026-04-08', () => {
    expect(answerDueDate('2026-04-02T10:00:00+02:00')).toBe('2026-04-08');
  });

  it('RULES §3 example: arrives Tue 2025-12-23 → due Tue 2025-12-30', () => {
    expect(answerDueDate('2025-12-23T14:30:00+01:00')).toBe('2025-12-30');
  });

  it('RULES §3 example: arrives Thu 2025-06-19 → due Tue 2025-06-24', () => {
    expect(answerDueDate('2025-06-19T08:00:00+02:00')).toBe('2025-06-24');
  });

  it('uses the Stockholm day of arrival, not the UTC day', () => {
    // 23:30 UTC on Wed 1 April is already Thu 2 April in Stockholm (CEST).
    expect(answerDueDate('2026-04-01T23:30:00Z')).toBe('2026-04-08');
    // 21:30 UTC is 23:30 Wednesday in Stockholm: Thursday counts as day 1, Tuesday after Easter as day 2.
    expect(answerDueDate('2026-04-01T21:30:00Z')).toBe('2026-04-07');
  });

  it('rejects an instant without offset or with an impossible date, naming receivedAt', () => {
    expect(() => answerDueDate('2026-04-02T10:00:00')).toThrow(expect.objectContaining({ field: 'receivedAt' }));
    expect(() => answerDueDate('2026-02-30T10:00:00Z')).toThrow(
      expect.objectContaining({ field: 'receivedAt', reason: 'date' }),
    );
  });

  it('property: the due date is a working day, 2 working days after arrival, at most 7 days later', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2150-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const due = answerDueDate(d.toISOString());
          expect(isWorkingDay(due)).toBe(true);
          const arrival = stockholmDateOf(d);
          let counted = 0;
          for (let day = addDays(arrival, 1); day <= due; day = addDays(day, 1)) if (isWorkingDay(day)) counted++;
          expect(counted).toBe(2);
        },
      ),
    );
  });

  it('property: addWorkingDays forwards then backwards returns to a working start day', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2150-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 40 }),
        (d, n) => {
          const start = d.toISOString().slice(0, 10);
          fc.pre(isWorkingDay(start));
          expect(addWorkingDays(addWorkingDays(start, n), -n)).toBe(start);
        },
      ),
    );
  });
});
