import { deadlineOf, earliestDeadline, messageText, timeLeft, timeLeftSv } from './messages';

const iso = (d: Date) => d.toISOString();

describe('answer deadlines (RULES §3: 2 working days, Europe/Stockholm)', () => {
  it('RULES §3 Easter: arrives Thu 2026-04-02 → due Wed 2026-04-08, deadline at its end, reminder Tue 08:00', () => {
    const d = deadlineOf('2026-04-02T10:00:00+02:00');
    expect(d.dueDate).toBe('2026-04-08');
    expect(iso(d.deadlineAt)).toBe('2026-04-08T22:00:00.000Z');
    expect(iso(d.reminderAt)).toBe('2026-04-07T06:00:00.000Z');
  });

  it('RULES §3 Midsommar: arrives Thu 2025-06-19 → due Tue 2025-06-24 (afton and dagen skipped)', () => {
    const d = deadlineOf('2025-06-19T08:00:00+02:00');
    expect(d.dueDate).toBe('2025-06-24');
    expect(iso(d.reminderAt)).toBe('2025-06-23T06:00:00.000Z');
  });

  it('RULES §3 Christmas: arrives Tue 2025-12-23 → due Tue 2025-12-30', () => {
    expect(deadlineOf('2025-12-23T14:30:00+01:00').dueDate).toBe('2025-12-30');
  });

  it('RULES §3 New Year: arrives Wed 2026-12-30 → nyårsafton, nyårsdagen and the weekend skipped → due Tue 2027-01-05', () => {
    const d = deadlineOf('2026-12-30T11:00:00+01:00');
    expect(d.dueDate).toBe('2027-01-05');
    expect(iso(d.reminderAt)).toBe('2027-01-04T07:00:00.000Z');
  });

  it('RULES §3 a Friday evening: arrives Fri 2026-11-27 21:00 → due Tue 2026-12-01', () => {
    const d = deadlineOf('2026-11-27T21:00:00+01:00');
    expect(d.dueDate).toBe('2026-12-01');
    expect(iso(d.reminderAt)).toBe('2026-11-30T07:00:00.000Z');
  });

  it('RULES §3 23:59 Stockholm on the last day of October, after daylight saving ends: the Stockholm day counts, not UTC', () => {
    // 2026: summer time ended on 25 October, so 31 October is +01:00; the UTC instant is still 31 October.
    const d = deadlineOf('2026-10-31T22:59:00Z');
    expect(d.dueDate).toBe('2026-11-03');
    expect(iso(d.deadlineAt)).toBe('2026-11-03T23:00:00.000Z');
    // 2027: summer time ends that very night (31 October 03:00); 23:59 is +01:00.
    const e = deadlineOf('2027-10-31T23:59:00+01:00');
    expect(e.dueDate).toBe('2027-11-02');
    // The night before the change, 23:59 summer time is 21:59 UTC on 30 October: Saturday in Stockholm.
    expect(deadlineOf('2027-10-30T21:59:00Z').dueDate).toBe('2027-11-02');
  });

  it('several unanswered messages share the earliest deadline', () => {
    const first = '2026-11-23T09:00:00+01:00'; // Mon → due Wed
    const later = '2026-11-24T09:00:00+01:00'; // Tue → due Thu
    expect(earliestDeadline([later, first])!.dueDate).toBe('2026-11-25');
    expect(earliestDeadline([])).toBeNull();
  });
});

describe('time left, in working days and hours', () => {
  const d = deadlineOf('2026-11-27T21:00:00+01:00'); // due Tue 2026-12-01
  it('on Friday at 22:00: 2 working days (Mon, Tue) and the 2 hours left of Friday', () => {
    expect(timeLeft(new Date('2026-11-27T22:00:00+01:00'), d)).toEqual({ overdue: false, workingDays: 2, hours: 2 });
  });
  it('on Saturday: 2 working days, no hours today', () => {
    expect(timeLeft(new Date('2026-11-28T10:00:00+01:00'), d)).toEqual({ overdue: false, workingDays: 2, hours: 0 });
  });
  it('on Tuesday 15:30: 0 working days after today and 8 hours', () => {
    const t = timeLeft(new Date('2026-12-01T15:30:00+01:00'), d);
    expect(t).toEqual({ overdue: false, workingDays: 0, hours: 8 });
    expect(timeLeftSv(t)).toBe('0 arbetsdagar och 8 timmar kvar');
  });
  it('after the deadline: overdue by whole hours', () => {
    const t = timeLeft(new Date('2026-12-02T03:10:00+01:00'), d);
    expect(t).toEqual({ overdue: true, workingDays: 0, hours: 3 });
    expect(timeLeftSv(t)).toBe('Försenat 3 timmar');
  });
});

describe('message text', () => {
  it('is trimmed plain text of at most 4 000 characters, naming the field when refused', () => {
    expect(messageText('  Hej!\r\nFråga  ')).toBe('Hej!\nFråga');
    expect(() => messageText('   ')).toThrow(expect.objectContaining({ field: 'text', reason: 'empty' }));
    expect(() => messageText('x'.repeat(4001))).toThrow(expect.objectContaining({ field: 'text', reason: 'too-long' }));
    expect(() => messageText(5)).toThrow(expect.objectContaining({ field: 'text' }));
  });
});
