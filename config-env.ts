/**
 * How settings meet the environment: every field of the settings schema (config.ts) declares its
 * environment variable once, with `env('NAME', schema)`, and everything else is derived from that.
 */
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

/**
 * The schema's input from the environment: each field gets its variable's text, as is (unset stays unset).
 * @param schema - the settings schema
 * @param vars - usually process.env
 */
export function inputFrom(schema: z.ZodObject, vars: Record<string, string | undefined>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const { name, path } of settingsOf(schema)) {
    let node = input;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = vars[name];
  }
  return input;
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
