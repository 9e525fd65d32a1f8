/** NODE_ENV=production refuses laptop defaults: the web and worker processes do not start, naming each problem. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../config';
import { DEV_PORTS } from '../../scripts/ports';
import { DEV_PAYLOAD_KEYS } from '../../temporal/codec';
import { TEST_SMSC_SYSTEM_ID } from '../../config-checks';
import { SAFE } from '../support/production-env';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');
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

it('production mail requires TLS: STARTTLS is made mandatory on smtp://, smtps:// stays implicit TLS', () => {
  const starttls = loadConfig({ ...SAFE, SMTP_URL: 'smtp://relay:secret@mail.region.example:587' }).mail.smtpUrl!;
  expect(new URL(starttls).searchParams.get('requireTLS')).toBe('true');
  expect(starttls).toMatch(/^smtp:\/\/relay:secret@mail\.region\.example:587/);
  expect(loadConfig({ ...SAFE, SMTP_URL: 'smtps://mail.region.example:465' }).mail.smtpUrl).toBe(
    'smtps://mail.region.example:465',
  );
  // Outside production the URL is used as given (a local test peer without TLS).
  expect(loadConfig({ ...SAFE, NODE_ENV: 'development', SMTP_URL: 'smtp://127.0.0.1:2525' }).mail.smtpUrl).toBe(
    'smtp://127.0.0.1:2525',
  );
});

it('production SMS goes over TLS: smpps:// to the SMS centre, smpp:// only on this machine (a local proxy)', () => {
  const url = 'smpps://vardmote:pw@smsc.region.example:3550';
  expect(loadConfig({ ...SAFE, SMPP_URL: url }).sms).toEqual({ smppUrl: url, sender: 'Vardmote' });
  expect(() => loadConfig({ ...SAFE, SMPP_URL: 'smpp://vardmote:pw@127.0.0.1:2775' })).not.toThrow();
  expect(() => loadConfig({ ...SAFE, SMPP_URL: 'smpp://vardmote:pw@10.1.2.3:2775' })).toThrow(
    /SMPP_URL: 10\.1\.2\.3 is not this machine/,
  );
  expect(() => loadConfig({ ...SAFE, SMPP_URL: `smpps://${TEST_SMSC_SYSTEM_ID}:pw@smsc.region.example` })).toThrow(
    /SMPP_URL: the local test SMS centre never runs in production/,
  );
  expect(() => loadConfig({ ...SAFE, SMPP_URL: 'smpps://vardmote:change-me@smsc.region.example:3550' })).toThrow(
    /SMPP_URL: the SMS centre password is still an example/,
  );
  // Outside production the test SMS centre on this machine is the point.
  expect(() =>
    loadConfig({ ...SAFE, NODE_ENV: 'development', SMPP_URL: `smpp://${TEST_SMSC_SYSTEM_ID}:pw@127.0.0.1:2775` }),
  ).not.toThrow();
});

it("the worker's metrics on the network need a token; on loopback they do not", () => {
  expect(() =>
    loadConfig({ ...SAFE, WORKER_METRICS_HOST: '10.0.0.5', WORKER_METRICS_TOKEN: 'a'.repeat(32) }),
  ).not.toThrow();
  expect(() => loadConfig({ ...SAFE, WORKER_METRICS_HOST: '127.0.0.1' })).not.toThrow();
  expect(() => loadConfig({ ...SAFE, WORKER_METRICS_HOST: '10.0.0.5' })).toThrow(/WORKER_METRICS_TOKEN: required/);
});

it('production refuses example bankgiro numbers and a wrong check digit, naming the number', () => {
  for (const [bankgiro, what] of [
    ['5555-5555', "Bankgirot's example number"],
    ['991-2346', "the receiver in Bankgirot's BgMax and Autogiro sample files"],
    ['5050-1055', "Skatteverket's bankgiro"],
  ])
    expect(() => loadConfig({ ...SAFE, FINANCE_BANKGIRO: bankgiro })).toThrow(
      `FINANCE_BANKGIRO: ${bankgiro} is ${what}`,
    );
  expect(() => loadConfig({ ...SAFE, FINANCE_BANKGIRO: '7364-2184' })).toThrow(
    /FINANCE_BANKGIRO: 7364-2184 has a wrong check digit/,
  );
  expect(loadConfig({ ...SAFE, FINANCE_BANKGIRO: '418-2754' }).finance.bankgiro).toBe('418-2754');
  // Outside production the example number is the default, for the demo invoices.
  expect(loadConfig({ ...SAFE, NODE_ENV: 'development', FINANCE_BANKGIRO: undefined }).finance.bankgiro).toBe(
    '5555-5555',
  );
});

it('production refuses to start without SMTP_URL: mail would only pile up in the Utkorg', () => {
  expect(() => loadConfig({ ...SAFE, SMTP_URL: undefined })).toThrow(/^ {2}- SMTP_URL: required in production/m);
  expect(loadConfig({ ...SAFE, NODE_ENV: 'development', SMTP_URL: undefined }).mail.smtpUrl).toBeUndefined();
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
    { DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${DEV_PORTS.postgres}/vardmote` },
    'DATABASE_URL: the embedded development password never runs in production',
  ],
  ['no payload keys', { PAYLOAD_KEYS: undefined }, 'PAYLOAD_KEYS: required in production'],
  ['the development payload key', { PAYLOAD_KEYS: DEV_PAYLOAD_KEYS }, 'PAYLOAD_KEYS: required in production'],
  [
    'the test identity provider',
    { OIDC_PATIENT_ISSUER: `http://127.0.0.1:${DEV_PORTS.idp}` },
    `OIDC_PATIENT_ISSUER: http://127.0.0.1:${DEV_PORTS.idp} looks like the test identity provider`,
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
    'mail that could go out in clear',
    { SMTP_URL: 'smtp://mail.region.example:25?ignoreTLS=true' },
    'SMTP_URL: ignoreTLS turns STARTTLS off, so mail would go in clear; production sends mail over TLS only',
  ],
  [
    'mail to a server whose certificate is not checked',
    { SMTP_URL: 'smtps://mail.region.example:465?tls.rejectUnauthorized=false' },
    "SMTP_URL: tls.rejectUnauthorized=false accepts any server's certificate",
  ],
  ['no Janus api_secret', { JANUS_API_SECRET: undefined }, 'JANUS_API_SECRET: required in production'],
  [
    'no TURN relay for patients behind strict NATs',
    { TURN_URLS: 'stun:turn.region.example:3478' },
    'TURN_URLS: required in production: at least one turn: or turns: URI',
  ],
  [
    'an SMS centre reached in clear',
    { SMPP_URL: 'smpp://vardmote:pw@smsc.region.example:2775' },
    'SMPP_URL: smsc.region.example is not this machine: production reaches an SMS centre over TLS only (smpps://)',
  ],
  [
    'the local test SMS centre',
    { SMPP_URL: `smpp://${TEST_SMSC_SYSTEM_ID}:pw@127.0.0.1:${DEV_PORTS.smsc}` },
    'SMPP_URL: the local test SMS centre never runs in production',
  ],
  ['no engagement index', { ENGAGEMENT_INDEX_URL: undefined }, 'ENGAGEMENT_INDEX_URL: required in production'],
  [
    'the local test engagement index',
    { ENGAGEMENT_INDEX_URL: `https://localhost:${DEV_PORTS.engagementIndex}/vp/update` },
    'ENGAGEMENT_INDEX_URL: the local test engagement index never runs in production',
  ],
  [
    'the engagement index on the local test CA',
    { ENGAGEMENT_INDEX_TLS_CA: '/srv/vardmote/.data/rivta-test-ca/ca.pem' },
    'ENGAGEMENT_INDEX_TLS_CA: the local test CA never runs in production',
  ],
  [
    'an engagement index without our certificate',
    { ENGAGEMENT_INDEX_TLS_KEY: undefined },
    'ENGAGEMENT_INDEX_TLS_KEY: required with ENGAGEMENT_INDEX_URL',
  ],
  [
    "the worker's metrics on the network without a token",
    { WORKER_METRICS_HOST: '0.0.0.0' },
    "WORKER_METRICS_TOKEN: required in production when the worker's metrics listen on 0.0.0.0",
  ],
  [
    'a public URL without https',
    { PUBLIC_URL: 'http://vardmote.region.example' },
    'PUBLIC_URL: must be an https:// URL in production',
  ],
  ['no mail server', { SMTP_URL: undefined }, 'SMTP_URL: required in production'],
  [
    "Bankgirot's example bankgiro",
    { FINANCE_BANKGIRO: '5555-5555' },
    "FINANCE_BANKGIRO: 5555-5555 is Bankgirot's example number",
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
    PUBLIC_URL: `http://localhost:${DEV_PORTS.web}`,
  });
  expect(code).toBe(1);
  expect(stderr).toContain('VARDMOTE_FAULT: fault injection is for tests only');
  expect(stderr).toContain('PUBLIC_URL: must be an https:// URL in production');
});

it('a demo deployment (VARDMOTE_DEMO) lets the local stand-ins in, and nothing else', () => {
  const standIns = {
    OIDC_PATIENT_ISSUER: `https://127.0.0.1:${DEV_PORTS.idp}`,
    OIDC_STAFF_ISSUER: `https://127.0.0.1:${DEV_PORTS.idp}`,
    FHIR_BASE_URL: `http://127.0.0.1:${DEV_PORTS.ehr}/fhir/R4`,
    FHIR_TOKEN_URL: `http://127.0.0.1:${DEV_PORTS.ehr}/oauth2/token`,
    FHIR_CLIENT_ID: 'vardmote',
    FHIR_CLIENT_SECRET: 'a'.repeat(32),
    SMPP_URL: `smpp://${TEST_SMSC_SYSTEM_ID}:pw@127.0.0.1:${DEV_PORTS.smsc}`,
    ENGAGEMENT_INDEX_URL: undefined,
  };
  expect(() => loadConfig({ ...SAFE, ...standIns })).toThrow(/OIDC_PATIENT_ISSUER: .*test identity provider/);
  const demo = loadConfig({ ...SAFE, ...standIns, VARDMOTE_DEMO: 'true' });
  expect(demo).toMatchObject({ production: true, demo: true });
  // Secrets, TLS and the database rules hold for a demo as for production.
  expect(() =>
    loadConfig({ ...SAFE, ...standIns, VARDMOTE_DEMO: 'true', FHIR_BASE_URL: 'http://ehr.region.example/fhir/R4' }),
  ).toThrow(/FHIR_BASE_URL: the journal system is reached over https only/);
  expect(() => loadConfig({ ...SAFE, ...standIns, VARDMOTE_DEMO: 'true', SESSION_SECRET: 'change-me' })).toThrow(
    /SESSION_SECRET/,
  );
  expect(() =>
    loadConfig({ ...SAFE, ...standIns, VARDMOTE_DEMO: 'true', PUBLIC_URL: 'http://vardmote.region.example' }),
  ).toThrow(/PUBLIC_URL: must be an https:\/\/ URL/);
  expect(() =>
    loadConfig({ ...SAFE, ...standIns, VARDMOTE_DEMO: 'true', OIDC_STAFF_ISSUER: `http://127.0.0.1:${DEV_PORTS.idp}` }),
  ).toThrow(/OIDC_STAFF_ISSUER/);
});
