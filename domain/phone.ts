/** Phone numbers as the SMS centre wants them: a Swedish (or foreign) number written any usual way, in E.164. */

/** What people put between digits: spaces (also no-break), hyphens, dots, slashes and brackets. */
const SEPARATORS = /[\s\u00a0\-./()]/g;

/**
 * A phone number in E.164 (`+46701234567`), or null when it is not one.
 * Accepts `070-123 45 67`, `0701234567`, `+46 70 123 45 67`, `+46 (0)70…` and `0046…`; a number without
 * a country code is Swedish. Swedish numbers have 7–9 digits after the trunk 0 (mobile numbers 9).
 * @param raw - the number as a person wrote it
 */
export function toE164(raw: string): string | null {
  let s = raw.trim().replace(/\(0\)/g, '').replace(SEPARATORS, '');
  if (!/^\+?\d+$/.test(s)) return null;
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  else if (s.startsWith('0')) s = `+46${s.slice(1)}`;
  else if (!s.startsWith('+')) return null;
  // A trunk 0 written after the country code (+46 070…) is a common slip; the number is still clear.
  if (s.startsWith('+460')) s = `+46${s.slice(4)}`;
  if (s.startsWith('+46')) return /^\+46[1-9]\d{6,8}$/.test(s) ? s : null;
  return /^\+[1-9]\d{7,14}$/.test(s) ? s : null;
}

/**
 * Whether an E.164 number is a Swedish mobile number (070, 072, 073, 076, 079), the ones an SMS reaches.
 * @param e164 - a number from `toE164`
 */
export function isSwedishMobile(e164: string): boolean {
  return /^\+467[02369]\d{7}$/.test(e164);
}
