/**
 * The two catalogues of the patient's side (issue 28): the same keys and placeholders, no empty text,
 * every key the templates and code ask for present, and the Swedish words the same as where the back
 * office keeps them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatKronor, stockholmTime } from './format';
import { fromAcceptLanguage, hasText, tr, trHtml } from './i18n';
import { LINK_REFUSALS, PROXY_REFUSALS, RATING_LABELS, RATING_QUESTION } from './labels';
import { en } from './locales/en';
import { sv } from './locales/sv';
import { reminderSmsIn, reminderSubjectIn } from './reminder-texts';
import { REMINDER_KINDS, reminderSms, reminderSubject } from './reminders';

const ROOT = path.resolve(__dirname, '..');

/** Every leaf of a catalogue as [dotted key, text]. */
function leaves(o: object, prefix = ''): Array<[string, string]> {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v as object, `${prefix}${k}.`),
  );
}
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Files under `dir` (relative to the project) whose names end in `ext`. */
function filesUnder(dir: string, ext: string): string[] {
  const abs = path.join(ROOT, dir);
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext) && !f.includes('node_modules'))
    .map((f) => path.join(abs, f));
}

it('both catalogues have exactly the same keys, the same placeholders and no empty text', () => {
  const svLeaves = new Map(leaves(sv));
  const enLeaves = new Map(leaves(en));
  expect([...enLeaves.keys()].sort()).toEqual([...svLeaves.keys()].sort());
  for (const [key, text] of [...svLeaves, ...enLeaves])
    expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  const differ = [...svLeaves].filter(([k, t]) => placeholders(t).join() !== placeholders(enLeaves.get(k)!).join());
  expect(differ.map(([k]) => k)).toEqual([]);
  // Markup only where the key says so (`th` renders those, `t` escapes everything else).
  const markup = [...svLeaves, ...enLeaves].filter(([k, t]) => /<[a-z]/i.test(t) !== k.endsWith('Html'));
  expect(markup.map(([k]) => k)).toEqual([]);
});

it('every key the templates and the code ask for is in both catalogues', () => {
  const templates = [
    ...filesUnder('admin-ui/views', '.hbs'),
    ...filesUnder('activities/mail/templates', '.hbs'),
    path.join(ROOT, 'documents/invoice.hbs'),
  ];
  const code = ['api', 'activities', 'domain', 'documents', 'db'].flatMap((d) => filesUnder(d, '.ts'));
  const used: Array<{ file: string; key: string; html: boolean }> = [];
  for (const file of templates)
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/[{(](th?) "([^"]+)"/g))
      used.push({ file: path.relative(ROOT, file), key: m[2], html: m[1] === 'th' });
  for (const file of code)
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/\b(tr|trHtml)\([^,()]+, '([\w.-]+)'/g))
      used.push({ file: path.relative(ROOT, file), key: m[2], html: m[1] === 'trHtml' });
  // The scan finds the helpers where they are used (so an empty scan cannot pass).
  expect(used.filter((u) => u.file.startsWith('admin-ui/views/patient/')).length).toBeGreaterThan(50);
  expect(used.filter((u) => u.file.startsWith('activities/mail/templates/')).length).toBeGreaterThan(20);
  const missing = used.filter((u) => !hasText('sv', u.key) || !hasText('en', u.key) || tr('sv', u.key) === u.key);
  expect(missing).toEqual([]);
  // `th` renders markup only for *Html keys, `t` never does.
  expect(used.filter((u) => u.html !== u.key.endsWith('Html'))).toEqual([]);
});

it('the Swedish catalogue says what the back office and the workflow say', () => {
  expect(sv.rating.question).toBe(RATING_QUESTION);
  expect(Object.values(sv.rating.score)).toEqual(Object.values(RATING_LABELS));
  for (const [reason, r] of Object.entries(LINK_REFUSALS))
    expect(sv.refused[reason as keyof typeof LINK_REFUSALS]).toEqual({ title: r.title, message: r.message });
  expect(sv.refused.proxy).toEqual(PROXY_REFUSALS);
  const c = { unitName: 'Vårdcentral Södermalm', startsAt: '2026-12-08T13:00:00Z', link: 'https://x/y' };
  for (const kind of REMINDER_KINDS) {
    expect(reminderSmsIn({ ...c, kind }, 'sv')).toBe(reminderSms({ ...c, kind }));
    expect(reminderSubjectIn({ ...c, kind }, 'sv')).toBe(reminderSubject({ ...c, kind }));
  }
  expect(reminderSmsIn({ ...c, kind: 'booked' }, 'en')).toBe(
    'Vårdcentral Södermalm: You have a booked time for a digital care meeting Tuesday, 8 December at 14:00. Confirm or cancel: https://x/y',
  );
});

it('escapes what fills a text with markup, and nothing else', () => {
  expect(trHtml('en', 'meet.loggedInHtml', { who: '<b>Ann</b>' })).toBe(
    'Logged in as <strong>&lt;b&gt;Ann&lt;/b&gt;</strong>.',
  );
  expect(tr('en', 'messages.to', { unit: 'A & B' })).toBe('To A & B.');
});

it('takes English from a browser that ranks it above Swedish, else Swedish', () => {
  expect(fromAcceptLanguage('en-GB,en;q=0.9,sv;q=0.8')).toBe('en');
  expect(fromAcceptLanguage('sv-SE,sv;q=0.9,en;q=0.8')).toBe('sv');
  expect(fromAcceptLanguage('de-DE,en;q=0.5')).toBe('en');
  expect(fromAcceptLanguage('sv;q=0.5,en;q=0.4')).toBe('sv');
  expect(fromAcceptLanguage('de-DE')).toBe('sv');
  expect(fromAcceptLanguage(undefined)).toBe('sv');
  expect(fromAcceptLanguage('en;q=0')).toBe('sv');
});

it('formats times in Stockholm and money in kronor per language', () => {
  const t = '2026-11-23T13:05:00Z';
  expect(stockholmTime(t)).toBe('2026-11-23 14:05');
  expect(stockholmTime(t, 'en')).toBe('23 Nov 2026, 14:05');
  expect(formatKronor(27500).replace(/\s/g, ' ')).toBe('275,00 kr');
  expect(formatKronor(27500, 'en').replace(/\s/g, ' ')).toBe('275,00 kr');
  // A Handlebars options object in the language's place reads as Swedish.
  expect(stockholmTime(t, {} as never)).toBe('2026-11-23 14:05');
});
