/** Swedish phone numbers to E.164. */
import { isSwedishMobile, toE164 } from './phone';

describe('toE164', () => {
  it.each([
    ['070-123 45 67', '+46701234567'],
    ['0701234567', '+46701234567'],
    ['+46701234567', '+46701234567'],
    ['+46 70 123 45 67', '+46701234567'],
    ['0046701234567', '+46701234567'],
    ['0046 70-123 45 67', '+46701234567'],
    ['+46 (0)70-123 45 67', '+46701234567'],
    ['+46070 123 45 67', '+46701234567'],
    ['(070) 123.45.67', '+46701234567'],
    [' 070\u00a0123 45 67 ', '+46701234567'],
    ['08-123 456 78', '+46812345678'],
    ['031-12 34 56', '+4631123456'],
    ['+47 912 34 567', '+4791234567'],
    ['0047 912 34 567', '+4791234567'],
  ])('reads %s as %s', (raw, e164) => {
    expect(toE164(raw)).toBe(e164);
  });

  it.each([
    [''],
    ['   '],
    ['070-123 45 6x'],
    ['ring mig'],
    ['070-12'],
    ['+46 70 123 45 67 89 0'],
    ['701234567'],
    ['+0701234567'],
    ['++46701234567'],
    ['070+1234567'],
    ['+1 23'],
    ['19850314-2385'],
  ])('refuses %j', (raw) => {
    expect(toE164(raw)).toBeNull();
  });
});

describe('isSwedishMobile', () => {
  it('knows mobile numbers from landlines and foreign numbers', () => {
    expect(isSwedishMobile('+46701234567')).toBe(true);
    expect(isSwedishMobile('+46761234567')).toBe(true);
    expect(isSwedishMobile('+46812345678')).toBe(false);
    expect(isSwedishMobile('+4791234567')).toBe(false);
    expect(isSwedishMobile('+4670123456')).toBe(false);
  });
});
