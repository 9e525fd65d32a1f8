/**
 * Secrets as files (issue 31): any setting may come from the file `<NAME>_FILE` names (Docker and
 * Kubernetes secrets), less one trailing newline; both set, or a file that cannot be read, is a
 * problem naming the variables and never showing a value.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, SETTING_NAMES, Settings } from '../../config';
import { inputFrom, settingsOf, settingText } from '../../config-env';
import { envExampleProblems } from './doc-checks';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardmote-secrets-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes a file in the test folder; its path. */
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

const DATABASE_URL = 'postgres://x@127.0.0.1/db';
const SECRET = 'a-session-secret-of-forty-characters-0123';

it('reads a setting from its _FILE, less one trailing newline (LF or CRLF)', () => {
  const config = loadConfig({
    DATABASE_URL_FILE: file('database-url', `${DATABASE_URL}\n`),
    SESSION_SECRET_FILE: file('session-secret', `${SECRET}\r\n`),
  });
  expect(config.databaseUrl).toBe(DATABASE_URL);
  expect(config.session.secret).toBe(SECRET);
  // Only one newline goes: a value that really ends in one keeps it.
  expect(settingText('X', { X_FILE: 'f' }, () => 'value\n\n').value).toBe('value\n');
  expect(settingText('X', { X_FILE: 'f' }, () => 'value').value).toBe('value');
});

it('works for every setting: each variable of the schema has its _FILE', () => {
  const shared = file('every', 'from-file\n');
  for (const { name, path: at } of settingsOf(Settings)) {
    const { input, problems } = inputFrom(Settings, { [`${name}_FILE`]: shared });
    expect({ name, problems }).toEqual({ name, problems: [] });
    expect({ name, value: at.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], input) }).toEqual({
      name,
      value: 'from-file',
    });
  }
  expect(SETTING_NAMES.length).toBe(settingsOf(Settings).length);
});

it('an empty variable counts as unset beside its _FILE (compose gives one for ${NAME:-})', () => {
  const config = loadConfig({ DATABASE_URL, SESSION_SECRET: '', SESSION_SECRET_FILE: file('s2', SECRET) });
  expect(config.session.secret).toBe(SECRET);
  // An empty _FILE is no file.
  expect(loadConfig({ DATABASE_URL, SESSION_SECRET: SECRET, SESSION_SECRET_FILE: '' }).session.secret).toBe(SECRET);
});

it('refuses a setting given both ways, naming both variables and neither value', () => {
  const load = () =>
    loadConfig({
      DATABASE_URL,
      SESSION_SECRET: SECRET,
      SESSION_SECRET_FILE: file('s3', 'the-other-secret-xxxxxxxxxxxxxxxxxxxxxx'),
    });
  expect(load).toThrow(/^ {2}- SESSION_SECRET and SESSION_SECRET_FILE are both set; set one of them$/m);
  expect(load).not.toThrow(/a-session-secret|the-other-secret/);
});

it('refuses a file that cannot be read, naming the variable, once (not again as a missing setting)', () => {
  const missing = path.join(dir, 'no-such-file');
  let message = '';
  try {
    loadConfig({ DATABASE_URL_FILE: missing, SESSION_SECRET_FILE: dir });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message.split('\n').slice(1)).toEqual([
    `  - DATABASE_URL_FILE: cannot read ${missing} (ENOENT)`,
    `  - SESSION_SECRET_FILE: cannot read ${dir} (EISDIR)`,
  ]);
});

it("a file's value is checked like the variable's, and the problem shows no contents", () => {
  const short = 'short-secret';
  const load = () => loadConfig({ DATABASE_URL, SESSION_SECRET_FILE: file('short', short) });
  expect(load).toThrow(/^ {2}- SESSION_SECRET: /m);
  expect(load).not.toThrow(short);
});

it('.env.example may show a setting as NAME_FILE, but no _FILE of a name nothing reads', () => {
  const known = { settings: SETTING_NAMES, testSwitches: [], compose: { all: [], required: [] } };
  const unread = envExampleProblems('SESSION_SECRET_FILE=/run/secrets/session\nSMTP_HOST_FILE=/x\n', known).filter(
    (p) => !p.endsWith('a setting .env.example lacks'),
  );
  expect(unread).toEqual(['SMTP_HOST_FILE: neither config.ts nor docker-compose.yml reads it']);
});
