/** How staff and patients read times and money: instants in Europe/Stockholm, integer öre as kronor, per language. */
import type { Lang } from './i18n';

/** Swedish as staff read it; English with the month in words (no day/month order to guess), kronor in both. */
const LOCALES: Record<Lang, { tag: string; dateStyle: 'short' | 'medium' }> = {
  sv: { tag: 'sv-SE', dateStyle: 'short' },
  en: { tag: 'en-SE', dateStyle: 'medium' },
};
const dateTimes = Object.fromEntries(
  Object.entries(LOCALES).map(([lang, l]) => [
    lang,
    new Intl.DateTimeFormat(l.tag, { timeZone: 'Europe/Stockholm', dateStyle: l.dateStyle, timeStyle: 'short' }),
  ]),
) as Record<Lang, Intl.DateTimeFormat>;
const kronorFormats = Object.fromEntries(
  Object.entries(LOCALES).map(([lang, l]) => [
    lang,
    new Intl.NumberFormat(l.tag, { style: 'currency', currency: 'SEK', minimumFractionDigits: 2 }),
  ]),
) as Record<Lang, Intl.NumberFormat>;

// A Handlebars helper's options object (or anything else) in the language's place reads as Swedish.
const known = (lang: unknown): Lang => (lang === 'en' ? 'en' : 'sv');

/** The Intl locale tag of a language ('sv-SE', 'en-SE': English words, Swedish kronor). */
export const localeOf = (lang: Lang = 'sv'): string => LOCALES[known(lang)].tag;

/** An instant shown in Europe/Stockholm, e.g. '2026-11-23 14:05' (en: '23 Nov 2026, 14:05'). */
export function stockholmTime(value: unknown, lang: Lang = 'sv'): string {
  if (value === null || value === undefined || value === '') return '–';
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? '–' : dateTimes[known(lang)].format(d);
}

/** Integer öre shown as kronor, e.g. 27500 → '275,00 kr' (the same in English). */
export function formatKronor(ore: unknown, lang: Lang = 'sv'): string {
  return typeof ore === 'number' && Number.isFinite(ore) ? kronorFormats[known(lang)].format(ore / 100) : '–';
}
