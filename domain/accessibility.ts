/** The accessibility statement's barrier report (DOS-lagen): its fields checked, its page kept on this site. */
import { toE164 } from './phone';

/** The longest description of a barrier a report takes (as a deviation's action or note). */
export const DESCRIPTION_MAX = 2000;
/** The longest contact (a mail address is at most 254 characters). */
export const CONTACT_MAX = 254;
/** The longest page path a report names. */
export const PAGE_MAX = 500;

/** Where the statement is: a fixed address, the same for everyone. */
export const STATEMENT_PATH = '/tillganglighet';

/** A field of the form, as the 400 answer names it. */
export type BarrierField = 'description' | 'page' | 'contact' | 'key';

/** A checked report: the description trimmed, the page a path here (or null), the contact normalised (or null). */
export interface BarrierReportForm {
  description: string;
  page: string | null;
  /** A mail address as written, or a phone number in E.164. */
  contact: string | null;
  /** The form's own key, when it sent one. */
  key: string | null;
}

export type BarrierReportCheck =
  { ok: true; report: BarrierReportForm } | { ok: false; field: BarrierField; message: string };

// Control characters other than tab and line breaks: PostgreSQL refuses NUL in text, and none belongs in a report.
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
const MAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is this the form's own key (a UUID the page made)? */
export const isFormKey = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/**
 * A path on this site, or null: starts with one '/', never another origin (`//evil`, `/\evil`,
 * `https:`), no spaces, backslashes or control characters.
 * @param value - what the form or the address sent
 */
export function sitePath(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (v.length > PAGE_MAX || CONTROL.test(v)) return null;
  return /^\/(?![/\\])[^\s\\]*$/.test(v) ? v : null;
}

/**
 * The path as a report may name it: a meeting link's token is a key to the meeting, so `/meet/<token>`
 * becomes `/meet`; the query is left out (it can carry a return address or a search).
 * @param path - a path on this site (its query, if any, is dropped)
 */
export function reportablePath(path: string): string {
  const bare = path.split(/[?#]/)[0];
  return /^\/meet\/(?!room\/|api\/)[^/]+\/?$/.test(bare) ? '/meet' : bare;
}

/**
 * The footer's link to the statement, naming the page it was followed from (our pages send no
 * Referer: helmet's `Referrer-Policy: no-referrer`), except from the statement itself.
 * @param path - the current request's path
 */
export function statementLink(path: string): string {
  const page = reportablePath(path);
  if (page === STATEMENT_PATH || page.startsWith(`${STATEMENT_PATH}/`)) return STATEMENT_PATH;
  return `${STATEMENT_PATH}?sida=${encodeURIComponent(page)}`;
}

/**
 * The page to prefill the form with: `?sida=` when it is a path here, else the Referer when it is
 * one of this site's pages (same origin as the public address), else none.
 * @param sida - the `sida` query parameter
 * @param referer - the Referer header
 * @param publicUrl - this site's public address
 */
export function prefillPage(sida: unknown, referer: string | undefined, publicUrl: string): string | null {
  const given = sitePath(sida);
  if (given) return reportablePath(given);
  if (!referer) return null;
  try {
    const from = new URL(referer);
    if (from.origin !== new URL(publicUrl).origin) return null;
    const page = reportablePath(from.pathname);
    return page === STATEMENT_PATH ? null : page;
  } catch {
    return null;
  }
}

/** A mail address, or a phone number in E.164, or null when it is neither. */
function contactOf(v: string): string | null {
  if (v.includes('@')) return MAIL.test(v) ? v : null;
  return toE164(v);
}

const text = (v: unknown): string | null | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v.trim() : null;

/**
 * Checks the form: what did not work (required, at most DESCRIPTION_MAX characters), which page (a
 * path here, optional), a contact (a mail address or a phone number, optional) and the form's key.
 * @param body - the parsed form or JSON body
 * @returns the report, or the first wrong field with a Swedish message
 */
export function checkBarrierReport(body: unknown): BarrierReportCheck {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const bad = (field: BarrierField, message: string): BarrierReportCheck => ({ ok: false, field, message });

  const description = text(b.description);
  if (description === null) return bad('description', 'beskriv problemet som text');
  if (!description) return bad('description', 'beskriv vad som inte fungerade');
  if (description.length > DESCRIPTION_MAX) return bad('description', `skriv högst ${DESCRIPTION_MAX} tecken`);
  if (CONTROL.test(description)) return bad('description', 'texten innehåller otillåtna tecken');

  const pageText = text(b.page);
  if (pageText === null) return bad('page', 'ange sidan som en adress på den här webbplatsen');
  let page: string | null = null;
  if (pageText) {
    const path = sitePath(pageText);
    if (!path) return bad('page', 'ange en sida på den här webbplatsen, till exempel /mina-sidor');
    page = reportablePath(path);
  }

  const contactText = text(b.contact);
  if (contactText === null) return bad('contact', 'ange en e-postadress eller ett telefonnummer');
  let contact: string | null = null;
  if (contactText) {
    if (contactText.length > CONTACT_MAX) return bad('contact', `skriv högst ${CONTACT_MAX} tecken`);
    contact = contactOf(contactText);
    if (!contact) return bad('contact', 'ange en giltig e-postadress eller ett telefonnummer, eller lämna fältet tomt');
  }

  const keyText = text(b.key);
  if (keyText === null || (keyText && !isFormKey(keyText))) return bad('key', 'formuläret är skadat; ladda om sidan');

  return { ok: true, report: { description, page, contact, key: keyText ? keyText.toLowerCase() : null } };
}
