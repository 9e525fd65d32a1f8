/**
 * The invoice document (faktura, kreditfaktura, påminnelse) in the payer's language (Swedish unless they
 * chose English, issue 28): Handlebars to self-contained HTML with print CSS.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatKronor } from '../domain/format';
import { DEFAULT_LANG, langOfTemplate, templateHelpers, tr, type Lang } from '../domain/i18n';
import { en } from '../domain/locales/en';
import { sv } from '../domain/locales/sv';

const hbs = Handlebars.create();
hbs.registerHelper('kronor', (ore: unknown, o: unknown) => formatKronor(ore, langOfTemplate(o)));
hbs.registerHelper(templateHelpers((html) => new hbs.SafeString(html)));
let template: Handlebars.TemplateDelegate | undefined;

export interface InvoiceDocument {
  title: 'Faktura' | 'Kreditfaktura' | 'Betalningspåminnelse';
  number: string;
  payee: string;
  unitName: string;
  issueDate: string;
  dueDate: string | null;
  credits: string | null;
  payerName: string;
  payerIsGuardian: boolean;
  patientName: string;
  /** The birth date with the last four digits hidden, e.g. 19800101-****. */
  patientBirth: string;
  lines: Array<{ visitDate: string; description: string; amountOre: number }>;
  totalOre: number;
  creditNote: boolean;
  reason: string | null;
  reminder: boolean;
  reminderDueDate: string | null;
  ocr: string | null;
  bankgiro: string;
  highCost: {
    startDate: string;
    endDate: string;
    paidOre: number;
    ceilingOre: number;
    remainingOre: number;
    freeCardUntil: string | null;
  } | null;
  /** The payer's language; Swedish when absent. */
  lang?: Lang;
}

const TITLE_KEYS: Record<InvoiceDocument['title'], keyof typeof sv.invoice.title> = {
  Faktura: 'invoice',
  Kreditfaktura: 'credit-note',
  Betalningspåminnelse: 'reminder',
};

/**
 * A line's text in the payer's language: lines are kept in Swedish (the books' words, from the charge's
 * kind and reason), so each of the catalogue's Swedish names is swapped for its translation.
 */
export function lineTextIn(description: string, lang: Lang): string {
  if (lang === 'sv') return description;
  const pairs = (['kind', 'reason'] as const).flatMap((table) =>
    Object.entries(sv.charge[table]).map(([code, words]) => [
      words,
      (en.charge[table] as Record<string, string>)[code],
    ]),
  );
  pairs.push([sv.charge.writtenOff, tr(lang, 'charge.writtenOff')]);
  // Longest first: 'Avgift för uteblivet besök' before the reason 'uteblivet besök' inside it.
  return pairs
    .sort((a, b) => b[0].length - a[0].length)
    .reduce((text, [from, to]) => text.split(from).join(to), description);
}

/** Every value is escaped: names and reasons are typed by people. */
export function renderInvoiceDocument(doc: InvoiceDocument): string {
  template ??= hbs.compile(fs.readFileSync(path.join(__dirname, 'invoice.hbs'), 'utf8'), { strict: false });
  const lang = doc.lang ?? DEFAULT_LANG;
  return template({
    ...doc,
    lang,
    title: tr(lang, `invoice.title.${TITLE_KEYS[doc.title]}`),
    lines: doc.lines.map((l) => ({ ...l, description: lineTextIn(l.description, lang) })),
  });
}
