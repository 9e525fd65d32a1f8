/**
 * The patient's side in Swedish and English (issue 28): one i18next instance over the two catalogues,
 * the patient's language from their choice or the browser, and the Handlebars helpers `t` and `th`.
 * The back office stays Swedish: nothing there asks for a language.
 */
import i18next from 'i18next';
import { en } from './locales/en';
import { sv } from './locales/sv';

export const LANGUAGES = ['sv', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'sv';

export const CATALOGUES: Record<Lang, object> = { sv, en };

const i18n = i18next.createInstance();
// Resources are in memory, so init is synchronous; {name} placeholders as the texts were written.
void i18n.init({
  resources: { sv: { translation: sv }, en: { translation: en } },
  lng: DEFAULT_LANG,
  fallbackLng: false,
  initAsync: false,
  nsSeparator: false,
  returnNull: false,
  interpolation: { prefix: '{', suffix: '}', escapeValue: false },
});

export const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

/**
 * A text of the catalogue, its {placeholders} filled.
 * @param lang - the reader's language
 * @param key - a dotted key, e.g. 'meeting.title'
 * @param params - values for the placeholders
 */
export function tr(lang: Lang, key: string, params: Record<string, unknown> = {}): string {
  return i18n.t(key, { ...params, lng: lang });
}

/** Whether the catalogue has the key (for codes that may lack a text). */
export const hasText = (lang: Lang, key: string): boolean => i18n.exists(key, { lng: lang });

/** A text with markup from the catalogue (keys ending in `Html`), its placeholders HTML-escaped. */
export function trHtml(lang: Lang, key: string, params: Record<string, unknown> = {}): string {
  return i18n.t(key, { ...params, lng: lang, interpolation: { escapeValue: true } });
}

/** The language a browser prefers of ours: English when it ranks en above sv, else Swedish. */
export function fromAcceptLanguage(header: string | undefined): Lang {
  let best: { lang: Lang; q: number } | null = null;
  for (const part of (header ?? '').split(',')) {
    const [tag, ...attrs] = part.trim().toLowerCase().split(';');
    const base = tag.split('-')[0];
    if (!isLang(base)) continue;
    const qAttr = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    const q = qAttr ? Number(qAttr.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang: base, q };
  }
  return best?.lang ?? DEFAULT_LANG;
}

/** A Handlebars call's language: the page's `lang` (set for the patient's pages), else Swedish. */
export const langOfTemplate = (options: unknown): Lang => {
  const root = (options as { data?: { root?: { lang?: unknown } } } | undefined)?.data?.root;
  return isLang(root?.lang) ? root.lang : DEFAULT_LANG;
};

/** Handlebars helpers: `{{t "key" name=value}}` (escaped by Handlebars) and `{{th "key…Html" …}}` (markup kept). */
export function templateHelpers(safe: (html: string) => unknown) {
  return {
    t: (key: string, options: { hash?: Record<string, unknown> }) => tr(langOfTemplate(options), key, options.hash),
    th: (key: string, options: { hash?: Record<string, unknown> }) =>
      safe(trHtml(langOfTemplate(options), key, options.hash)),
  };
}
