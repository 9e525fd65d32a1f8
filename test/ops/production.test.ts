/** NODE_ENV=production refuses laptop defaults: the web and worker processes do not start, naming each problem. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../config';
import { DEV_PAYLOAD_KEYS } from '../../temporal/codec';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const secret = () => randomBytes(24).toString('base64url');

/** What a region's production configuration looks like: every setting real. */
const SAFE: Record<string, string> = {
  NODE_ENV: 'production',
  DATABASE_URL: `postgres://vardmote:${secret()}@db.region.example:5432/vardmote`,
  TEMPORAL_ADDRESS: 'temporal.region.example:7233',
  PUBLIC_URL: 'https://vardmote.region.example',
  JANUS_WS_URL: 'ws://janus.internal:8188',
  JANUS_PUBLIC_WS_URL: 'wss://video.region.example/janus',
  JANUS_ADMIN_SECRET: secret(),
  JANUS_ROOM_ADMIN_KEY: secret(),
  JANUS_EVENT_SECRET: secret(),
  SESSION_SECRET: secret() + secret(),
  OIDC_PATIENT_ISSUER: 'https://eid-broker.region.example',
  OIDC_PATIENT_CLIENT_SECRET: secret(),
  OIDC_STAFF_ISSUER: 'https://siths-idp.region.example',
  OIDC_STAFF_CLIENT_SECRET: secret(),
  API_TOKEN_CLIENT_IDS: 'region-booking,region-journal',
  FINANCE_BANKGIRO: '5050-1055',
  PAYLOAD_KEYS: `k2026:${randomBytes(32).toString('base64')}`,
};

/** Starts a process entry with exactly this environment; resolves with its exit code and stderr. */
function run(entry: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...clean },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

it('the safe production configuration passes the checks (so each case below fails for its one setting)', () => {
  expect(() => loadConfig(SAFE)).not.toThrow();
});

const CASES: Array<[string, Record<string, string | undefined>, string]> = [
  ['a missing secret', { SESSION_SECRET: undefined }, 'SESSION_SECRET: required in production'],
  [
    'a secret left at its default',
    { JANUS_ADMIN_SECRET: undefined },
    'JANUS_ADMIN_SECRET: the development default never runs in production',
  ],
  [
    'the embedded database password',
    { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:54329/vardmote' },
    'DATABASE_URL: the embedded development password never runs in production',
  ],
  ['no payload keys', { PAYLOAD_KEYS: undefined }, 'PAYLOAD_KEYS: required in production'],
  ['the development payload key', { PAYLOAD_KEYS: DEV_PAYLOAD_KEYS }, 'PAYLOAD_KEYS: required in production'],
  [
    'the test identity provider',
    { OIDC_PATIENT_ISSUER: 'http://127.0.0.1:3100' },
    'OIDC_PATIENT_ISSUER: http://127.0.0.1:3100 looks like the test identity provider',
  ],
  [
    'the fault switch',
    { VARDMOTE_FAULT: 'hang-after-fee-commit' },
    'VARDMOTE_FAULT: fault injection is for tests only',
  ],
  [
    'no allow-list of machine clients',
    { API_TOKEN_CLIENT_IDS: undefined },
    'API_TOKEN_CLIENT_IDS: required in production',
  ],
  ['short test timers', { ALLOW_POLICY_OVERRIDE: 'true' }, 'ALLOW_POLICY_OVERRIDE: for tests only'],
  [
    'a public URL without https',
    { PUBLIC_URL: 'http://vardmote.region.example' },
    'PUBLIC_URL: must be an https:// URL in production',
  ],
];

it.each(CASES)('the web process refuses to start with %s, naming it', async (_what, unsafe, problem) => {
  const { code, stderr } = await run('api/server.ts', { ...SAFE, ...unsafe });
  expect(code).toBe(1);
  expect(stderr).toContain('Invalid configuration');
  expect(stderr).toContain(problem);
  // Only that one problem: the rest of the configuration is safe.
  expect(stderr.match(/^ {2}- /gm)).toHaveLength(1);
});

it('the worker refuses the same way, and lists every problem at once', async () => {
  const { code, stderr } = await run('worker.ts', {
    ...SAFE,
    VARDMOTE_FAULT: 'hang-after-fee-commit',
    PUBLIC_URL: 'http://localhost:3000',
  });
  expect(code).toBe(1);
  expect(stderr).toContain('VARDMOTE_FAULT: fault injection is for tests only');
  expect(stderr).toContain('PUBLIC_URL: must be an https:// URL in production');
});
