/**
 * The README a newcomer can live with: short, in the agreed order, every npm script it names exists,
 * every link into docs/ resolves, and nothing cites a file a clone does not have. The checkers also
 * run on doctored copies, to show they report what is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import pkg from '../../package.json';
import { brokenLinks, missingScripts, npmScriptsNamed, sections } from './doc-checks';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');
const DOCS = Object.fromEntries(
  fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => [`docs/${f}`, read(`docs/${f}`)]),
);
const PAGES: Record<string, string> = { 'README.md': README, ...DOCS };
const exists = (p: string) => fs.existsSync(path.join(ROOT, p));
const ORDER = ['Quick start', 'Try it', 'How it works', 'Developing', 'Production', 'Open work'];

it('is short, and goes from what it is to open work in the agreed order', () => {
  expect(README.split('\n').length).toBeLessThan(200);
  expect(README).toMatch(/^# Vårdmöte\n\n\S/);
  expect(sections(README)).toEqual(ORDER);
});

it('names only npm scripts that exist, in the README and in docs/', () => {
  expect(npmScriptsNamed(README)).toEqual(expect.arrayContaining(['start', 'test', 'migrate', 'jest', 'format']));
  for (const [file, text] of Object.entries(PAGES))
    expect([file, missingScripts(text, pkg.scripts)]).toEqual([file, []]);
  expect(missingScripts(`${README}\nThen \`npm run seed\`.`, pkg.scripts)).toEqual(['seed']);
});

it('links only to files and headings that exist, and docs/ has every reference page the README lists', () => {
  expect(brokenLinks(PAGES, exists)).toEqual([]);
  const doctored = { ...PAGES, 'README.md': `${README}\n[x](docs/nowhere.md) [y](docs/api.md#no-such-part)\n` };
  expect(brokenLinks(doctored, exists)).toEqual([
    'README.md: docs/nowhere.md (no such file)',
    'README.md: docs/api.md#no-such-part (no such heading)',
  ]);
  const reference = [...README.matchAll(/^\| \[(docs\/[\w-]+\.md)\]/gm)].map((m) => m[1]);
  expect(reference.sort()).toEqual(Object.keys(DOCS).sort());
});

it('cites nothing a clone lacks, and states the runtime as it is', () => {
  for (const [file, text] of Object.entries(PAGES)) expect([file, /\.\.\/shared\b/.test(text)]).toEqual([file, false]);
  expect(README).toContain('Node.js 24 LTS');
  expect(README).not.toMatch(/\b(runs?|requires?|needs?) (on |under )?Node(\.js)? 20\b/);
  expect(README).toContain(pkg.engines.node);
  expect(README).toMatch(
    /^Cold start, measured \d{4}-\d{2}-\d{2} .*\n(.*\n){0,3}\*\*\d+ s\*\* from typing `npm start` to its `ready`/m,
  );
});
