/**
 * The checks behind test/ops/settings.test.ts and readme.test.ts, as pure functions over text, so a
 * test can also run them on a doctored copy and see that they report what is missing.
 */

const NAME = /[A-Z][A-Z0-9_]*/;

/**
 * The variables an env file names: set (`NAME=…`) or shown at its default, commented out (`# NAME=…`).
 * @param text - e.g. .env.example
 */
export function envFileNames(text: string): string[] {
  const re = new RegExp(`^(?:#\\s*)?(${NAME.source})=`, 'gm');
  return [...new Set([...text.matchAll(re)].map((m) => m[1]))];
}

/**
 * The variables docker-compose.yml interpolates (`${NAME}`, `${NAME:-default}`, `${NAME:?message}`),
 * and the ones it requires (`:?`).
 * @param yaml - docker-compose.yml
 */
export function composeVariables(yaml: string): { all: string[]; required: string[] } {
  const uses = [...yaml.matchAll(new RegExp(`\\$\\{(${NAME.source})(:?[-?])?`, 'g'))];
  return {
    all: [...new Set(uses.map((m) => m[1]))],
    required: [...new Set(uses.filter((m) => m[2]?.endsWith('?')).map((m) => m[1]))],
  };
}

export interface KnownNames {
  /** Every variable the settings schema reads (config.ts SETTING_NAMES). */
  settings: readonly string[];
  /** The test-only switches (test-switches.ts): never in a production file. */
  testSwitches: readonly string[];
  /** docker-compose.yml's own variables, and those it requires. */
  compose: { all: readonly string[]; required: readonly string[] };
}

/**
 * What is wrong with .env.example: a setting it does not show, a variable compose requires that it
 * lacks, a name nothing reads, or a test-only switch. Empty when all is well.
 * @param text - the file
 * @param known - the names that exist
 */
export function envExampleProblems(text: string, known: KnownNames): string[] {
  const named = new Set(envFileNames(text));
  const problems: string[] = [];
  for (const name of known.settings) if (!named.has(name)) problems.push(`${name}: a setting .env.example lacks`);
  for (const name of known.compose.required)
    if (!named.has(name) && !known.settings.includes(name))
      problems.push(`${name}: docker-compose.yml requires it, .env.example lacks it`);
  for (const name of named) {
    if (known.testSwitches.includes(name)) problems.push(`${name}: a test-only switch, never in a production file`);
    // NAME_FILE gives a setting from a file (config-env.ts).
    else if (!known.settings.includes(name.replace(/_FILE$/, '')) && !known.compose.all.includes(name))
      problems.push(`${name}: neither config.ts nor docker-compose.yml reads it`);
  }
  return problems;
}

/**
 * The names in the first cell of the rows of well-formed Markdown tables (a header row, then a `---`
 * row, then rows with no blank line between: a blank line ends a table, and rows after it do not render).
 * @param markdown - e.g. docs/configuration.md
 */
export function tableRowNames(markdown: string): Set<string> {
  const names = new Set<string>();
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    let end = i;
    while (lines[end + 1]?.startsWith('|')) end++;
    if (/^\|\s*:?-{3,}/.test(lines[i + 1] ?? ''))
      for (const row of lines.slice(i + 2, end + 1))
        for (const m of (row.split('|')[1] ?? '').matchAll(new RegExp(`\`(${NAME.source})\``, 'g'))) names.add(m[1]);
    i = end;
  }
  return names;
}

/**
 * The names a reference page does not describe in a table row (in its first cell, each whole and in backticks).
 * @param names - what must be described
 * @param markdown - the page
 */
export function missingFromTables(names: readonly string[], markdown: string): string[] {
  const described = tableRowNames(markdown);
  return names.filter((n) => !described.has(n));
}

/**
 * The npm scripts a text tells people to run: `npm start`, `npm test`, `npm run <name>`.
 * @param text - e.g. README.md
 */
export function npmScriptsNamed(text: string): string[] {
  const found = [...text.matchAll(/\bnpm (start|test)\b|\bnpm run ([\w:.-]+)/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(found)];
}

/**
 * The scripts a text names that package.json does not have.
 * @param text - e.g. README.md
 * @param scripts - package.json's `scripts`
 */
export function missingScripts(text: string, scripts: Record<string, string>): string[] {
  return npmScriptsNamed(text).filter((s) => !(s in scripts));
}

/**
 * A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens.
 * @param heading - the heading's text, without the leading #s
 */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * The relative links of a set of Markdown files that point at no file of the set (or the repository),
 * or at a heading the target does not have.
 * @param files - path → text, e.g. `{ 'README.md': …, 'docs/api.md': … }`
 * @param exists - whether a path outside the set exists (a source file a page names)
 */
export function brokenLinks(files: Record<string, string>, exists: (path: string) => boolean): string[] {
  const anchors = (text: string) =>
    new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1].replace(/`/g, ''))));
  const broken: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [rawPath, anchor] = target.split('#');
      const resolved = rawPath ? normalise(dir + rawPath) : file;
      const known = resolved in files || exists(resolved);
      if (!known) broken.push(`${file}: ${target} (no such file)`);
      else if (anchor && resolved in files && !anchors(files[resolved]).has(anchor))
        broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  return broken;
}

function normalise(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

/**
 * The `## ` headings of a Markdown text, in order.
 * @param markdown - e.g. README.md
 */
export function sections(markdown: string): string[] {
  return [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
}

/**
 * The project's own ports written as numbers where a process or test dials this machine
 * (`127.0.0.1:7233`, `localhost:3000`, `PORT … ?? 3099`): they belong in scripts/ports.ts.
 * @param source - a TypeScript file's text
 * @param ports - the port numbers of scripts/ports.ts
 */
export function loopbackPortLiterals(source: string, ports: readonly number[]): string[] {
  const ours = (m: RegExpMatchArray) => ports.includes(Number(m[1]));
  const dialled = [...source.matchAll(/(?:127\.0\.0\.1|localhost|\[::1\]):(\d{2,5})\b/g)].filter(ours);
  const fallbacks = [...source.matchAll(/PORT\b[^\n;]*\?\? (\d{4,5})\b/g)].filter(ours);
  return [...dialled, ...fallbacks].map((m) => m[0]);
}
