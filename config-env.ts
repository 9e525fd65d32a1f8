/**
 * How settings meet the environment: every field of the settings schema (config.ts) declares its
 * environment variable once, with `env('NAME', schema)`, and everything else is derived from that.
 * Any setting may instead come from a file named by `<NAME>_FILE` (Docker and Kubernetes secrets).
 */
import fs from 'node:fs';
import { z } from 'zod';

const envNames = z.registry<{ env: string }>();

/**
 * A setting read from one environment variable.
 * @param name - the variable, e.g. `SMTP_URL`
 * @param schema - how its text is checked and converted (with its default, if it has one)
 */
export function env<T extends z.ZodType>(name: string, schema: T): T {
  envNames.add(schema, { env: name });
  return schema;
}

/** A yes/no setting: true/false, 1/0 or yes/no. */
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export interface Setting {
  /** The environment variable. */
  name: string;
  /** The field it fills, e.g. `['mail', 'smtpUrl']`. */
  path: string[];
}

/**
 * Every setting a schema reads, in the schema's order.
 * @param schema - an object schema whose leaves are `env(…)` fields and whose branches are objects
 */
export function settingsOf(schema: z.ZodObject, at: string[] = []): Setting[] {
  return Object.entries(schema.shape).flatMap(([key, field]): Setting[] => {
    const meta = envNames.get(field as z.ZodType);
    if (meta) return [{ name: meta.env, path: [...at, key] }];
    if (field instanceof z.ZodObject) return settingsOf(field, [...at, key]);
    throw new Error(`settings: ${[...at, key].join('.')} has no environment name (declare it with env())`);
  });
}

/** The suffix of a variable that names a file holding the setting's value. */
export const FILE_SUFFIX = '_FILE';

/**
 * One setting's text: its variable's, or the contents of the file `<NAME>_FILE` names, less one
 * trailing newline (what `echo` and most editors leave). An empty variable counts as unset here, as
 * compose's `${NAME:-}` gives one. A problem names the variables, never a value or a file's contents.
 * @param name - the setting's variable, e.g. `SESSION_SECRET`
 * @param vars - usually process.env
 * @param readFile - reads a file as UTF-8 (tests pass their own)
 */
export function settingText(
  name: string,
  vars: Record<string, string | undefined>,
  readFile: (path: string) => string = (p) => fs.readFileSync(p, 'utf8'),
): { value?: string; problem?: string } {
  const fileVar = `${name}${FILE_SUFFIX}`;
  const file = vars[fileVar];
  if (!file) return { value: vars[name] };
  if (vars[name]) return { problem: `${name} and ${fileVar} are both set; set one of them` };
  try {
    return { value: readFile(file).replace(/\r?\n$/, '') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { problem: `${fileVar}: cannot read ${file} (${code})` };
  }
}

/**
 * The schema's input from the environment: each field gets its variable's text (or its file's, see
 * `settingText`), as is (unset stays unset), and the problems met on the way, one per variable.
 * @param schema - the settings schema
 * @param vars - usually process.env
 */
export function inputFrom(
  schema: z.ZodObject,
  vars: Record<string, string | undefined>,
): { input: Record<string, unknown>; problems: Array<{ name: string; message: string }> } {
  const input: Record<string, unknown> = {};
  const problems: Array<{ name: string; message: string }> = [];
  for (const { name, path } of settingsOf(schema)) {
    const { value, problem } = settingText(name, vars);
    if (problem) problems.push({ name, message: problem });
    let node = input;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = value;
  }
  return { input, problems };
}

/**
 * The environment variable behind a field path, for messages; the dotted path where none is declared.
 * @param schema - the settings schema
 * @param path - a field path, e.g. from a zod issue
 */
export function envNameAt(schema: z.ZodObject, path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  return settingsOf(schema).find((s) => s.path.join('.') === dotted)?.name ?? dotted;
}

/** The configuration could not be read: every problem at once, one line each, naming its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
