import {
  DEFAULT_REMINDER_POLICY as P,
  REMINDER_KINDS,
  reminderForOpenInvitation,
  reminderSms,
  reminderSubject,
  remindersForBooking,
  stockholmAt,
  waitingAlertSms,
} from './reminders';

const LINK = 'https://vardmote.regionstockholm.se/mina-sidor/moten/00000000-0000-4000-8000-000000000001';
const at = (rs: { kind: string; at: string }[]) => Object.fromEntries(rs.map((r) => [r.kind, r.at]));

describe('reminders of a booked time (RULES.md §2: SMS at booking, before the meeting)', () => {
  it('the day before at 18:00 Stockholm is 16:00Z just after the spring DST change (CEST from 2026-03-29)', () => {
    const r = at(remindersForBooking('2026-03-30T08:00:00Z', '2026-03-20T09:00:00Z', P));
    expect(r['day-before']).toBe('2026-03-29T16:00:00.000Z');
    expect(r['before-meeting']).toBe('2026-03-30T07:45:00.000Z');
    expect(r.booked).toBe('2026-03-20T09:00:00.000Z');
  });

  it('the day before the DST change is still winter time: Saturday 2026-03-28 18:00 CET = 17:00Z', () => {
    expect(at(remindersForBooking('2026-03-29T07:00:00Z', '2026-03-20T09:00:00Z', P))['day-before']).toBe(
      '2026-03-28T17:00:00.000Z',
    );
  });

  it('back to winter time (2026-10-25): Sunday 18:00 CET = 17:00Z', () => {
    expect(at(remindersForBooking('2026-10-26T09:00:00Z', '2026-10-01T09:00:00Z', P))['day-before']).toBe(
      '2026-10-25T17:00:00.000Z',
    );
  });

  it('with the working-day rule (RULES.md §3) a Tuesday after Easter is reminded on Maundy Thursday 2026-04-02', () => {
    const p = { ...P, dayBeforeWorkingDay: true };
    expect(at(remindersForBooking('2026-04-07T08:00:00Z', '2026-03-20T09:00:00Z', p))['day-before']).toBe(
      '2026-04-02T16:00:00.000Z',
    );
    // Without it, the calendar day before: Easter Monday.
    expect(at(remindersForBooking('2026-04-07T08:00:00Z', '2026-03-20T09:00:00Z', P))['day-before']).toBe(
      '2026-04-06T16:00:00.000Z',
    );
  });

  it('a reminder already past when the time was booked is left out, and they come in order', () => {
    const rs = remindersForBooking('2026-12-08T08:00:00Z', '2026-12-07T20:00:00Z', P);
    expect(rs.map((r) => r.kind)).toEqual(['booked', 'before-meeting']);
    const late = remindersForBooking('2026-12-08T08:00:00Z', '2026-12-08T07:50:00Z', P);
    expect(late.map((r) => r.kind)).toEqual(['booked']);
  });

  it('a policy without reminders plans none; an open kallelse is reminded once after the policy time', () => {
    const none = { ...P, atBooking: false, dayBeforeHour: null, beforeMeetingSeconds: null };
    expect(remindersForBooking('2026-12-08T08:00:00Z', '2026-12-01T08:00:00Z', none)).toEqual([]);
    expect(reminderForOpenInvitation('2026-12-01T08:00:00Z', P)).toEqual({
      kind: 'open-invitation',
      at: '2026-12-04T08:00:00.000Z',
    });
    expect(reminderForOpenInvitation('2026-12-01T08:00:00Z', { ...P, openInvitationSeconds: null })).toBeNull();
  });

  it('stockholmAt handles both offsets', () => {
    expect(stockholmAt('2026-01-15', 9)).toBe('2026-01-15T08:00:00.000Z');
    expect(stockholmAt('2026-07-15', 9)).toBe('2026-07-15T07:00:00.000Z');
  });
});

describe('reminder texts carry unit, time and link only (issue 27)', () => {
  it('every SMS and subject names the unit and the Stockholm time, and stays within two SMS parts with a real link', () => {
    for (const kind of REMINDER_KINDS) {
      const c = { kind, unitName: 'Vårdcentral Södermalm', startsAt: '2026-12-08T13:00:00Z', link: LINK };
      const sms = reminderSms(c);
      expect(sms).toContain('Vårdcentral Södermalm');
      expect(sms).toContain(LINK);
      if (kind !== 'open-invitation') expect(sms).toContain('tisdag 8 december kl. 14:00');
      // Two concatenated GSM 7-bit parts (å, ä and ö are in the GSM alphabet).
      expect(sms.length).toBeLessThanOrEqual(2 * 153);
      expect(reminderSubject(c)).toContain('Vårdcentral Södermalm');
    }
    expect(waitingAlertSms('Vårdcentral Södermalm', '2026-12-08T13:00:00Z', 'https://x.se/a')).toContain('kl. 14:00');
  });
});
