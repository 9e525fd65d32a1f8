import { fromRivtaTime, rivtaDayRange, toRivtaDate, toRivtaTime } from './rivta-time';

describe('RULES §7 contract times are Swedish local time without a zone', () => {
  it('writes winter time as CET (UTC+1) and summer time as CEST (UTC+2)', () => {
    expect(toRivtaTime('2026-01-15T08:30:00Z')).toBe('20260115093000');
    expect(toRivtaTime('2026-07-15T08:30:00Z')).toBe('20260715103000');
    expect(toRivtaDate('2026-03-28T23:30:00Z')).toBe('20260329');
  });

  it('reads a local time back to the same instant', () => {
    expect(fromRivtaTime('20260715103000').toISOString()).toBe('2026-07-15T08:30:00.000Z');
    expect(fromRivtaTime(toRivtaTime('2026-10-25T03:00:00Z')).toISOString()).toBe('2026-10-25T03:00:00.000Z');
  });

  it('a date is the Stockholm day, 23 hours long on the spring change', () => {
    const { from, to } = rivtaDayRange('20260329');
    expect(from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(to.getTime() - from.getTime()).toBe(23 * 3600_000);
  });
});
