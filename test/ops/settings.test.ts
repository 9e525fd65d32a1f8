/**
 * One place per setting: every variable the settings schema reads is shown in .env.example and
 * described in docs/configuration.md, .env.example names nothing else, and the test-only switches stay
 * out of the production schema. Each check also runs on a doctored copy, to show it reports the gap.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, SETTING_NAMES, Settings } from '../../config';
import { settingsOf } from '../../config-env';
import { DEV_PORTS, TEST_PORTS_BASE } from '../../scripts/ports';
import { TEST_SWITCHES } from '../../test-switches';
import {
  composeVariables,
  envExampleProblems,
  loopbackPortLiterals,
  missingFromTables,
  type KnownNames,
} from './doc-checks';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const ENV_EXAMPLE = read('.env.example');
const CONFIGURATION = read('docs/configuration.md');
const COMPOSE = composeVariables(read('docker-compose.yml'));
const SWITCHES = Object.keys(TEST_SWITCHES);
const KNOWN: KnownNames = { settings: SETTING_NAMES, testSwitches: SWITCHES, compose: COMPOSE };

describe('the settings schema', () => {
  it('maps each field to one environment variable, each variable to one field', () => {
    const all = settingsOf(Settings);
    expect(all.length).toBeGreaterThan(60);
    expect(new Set(all.map((s) => s.name)).size).toBe(all.length);
    expect(new Set(all.map((s) => s.path.join('.'))).size).toBe(all.length);
  });

  it('reads no test-only switch', () => {
    expect(SETTING_NAMES.filter((n) => SWITCHES.includes(n))).toEqual([]);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db' })).not.toHaveProperty('allowPolicyOverride');
  });

  it('takes an SMPP URL with its system id and password, and a sender of at most 11 characters', () => {
    const base = { DATABASE_URL: 'postgres://x@127.0.0.1/db' };
    expect(loadConfig(base).sms).toEqual({ smppUrl: undefined, sender: 'Vardmote' });
    expect(loadConfig({ ...base, SMS_SENDER: 'Vardcentral' }).sms.sender).toBe('Vardcentral');
    expect(() => loadConfig({ ...base, SMS_SENDER: 'Vardcentralen' })).toThrow(/^ {2}- SMS_SENDER: at most 11/m);
    expect(() => loadConfig({ ...base, SMPP_URL: 'smpp://smsc.example:2775' })).toThrow(/^ {2}- SMPP_URL: must be/m);
    expect(() => loadConfig({ ...base, SMPP_URL: 'http://id:pw@smsc.example' })).toThrow(/^ {2}- SMPP_URL: must be/m);
  });

  it('names the variable in each problem', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', RATE_LIMIT_API_PER_MINUTE: '0' })).toThrow(
      /^ {2}- RATE_LIMIT_API_PER_MINUTE: /m,
    );
  });
});

describe('.env.example', () => {
  it('shows every setting, and every variable docker-compose.yml requires', () => {
    expect(envExampleProblems(ENV_EXAMPLE, KNOWN)).toEqual([]);
  });

  it('fails for a setting it lacks, a name nothing reads and a test switch (the checker on a doctored file)', () => {
    const doctored =
      ENV_EXAMPLE.replace(/^# MAIL_FROM=.*\n/m, '') + 'SMTP_HOST=mail\nVARDMOTE_FAULT=hang-after-fee-commit\n';
    expect(doctored).not.toContain('MAIL_FROM=');
    expect(envExampleProblems(doctored, KNOWN)).toEqual([
      'MAIL_FROM: a setting .env.example lacks',
      'SMTP_HOST: neither config.ts nor docker-compose.yml reads it',
      'VARDMOTE_FAULT: a test-only switch, never in a production file',
    ]);
    const noSite = ENV_EXAMPLE.replace(/^VARDMOTE_SITE=.*\n/m, '');
    expect(envExampleProblems(noSite, KNOWN)).toEqual([
      'VARDMOTE_SITE: docker-compose.yml requires it, .env.example lacks it',
    ]);
  });

  it('is what it says: a production configuration the checks accept once the change-me values are replaced', () => {
    const vars = Object.fromEntries(
      [...ENV_EXAMPLE.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, k, v]) => [
        k,
        // A whole value, or a password inside a URL (SMPP_URL's).
        v.replace(/^change-me.*/, 'x'.repeat(40)).replace(/:change-me@/, `:${'x'.repeat(20)}@`),
      ]),
    );
    vars.PAYLOAD_KEYS = `k2026:${Buffer.alloc(32, 7).toString('base64')}`;
    // Its bankgiro is Bankgirot's example, which production refuses: a real-looking one in its place.
    vars.FINANCE_BANKGIRO = '7364-2183';
    expect(() => loadConfig(vars)).not.toThrow();
  });
});

describe('docs/configuration.md', () => {
  it('describes every setting, every test-only switch and every variable of docker-compose.yml in a table row', () => {
    expect(missingFromTables([...SETTING_NAMES, ...SWITCHES, ...COMPOSE.all], CONFIGURATION)).toEqual([]);
  });

  it('fails for a setting whose row is gone or cut off by a blank line (the checker on a doctored page)', () => {
    const row = CONFIGURATION.split('\n').find((l) => l.startsWith('| `PATIENT_SESSION_MAX_MINUTES`'));
    expect(row).toBeDefined();
    expect(missingFromTables(SETTING_NAMES, CONFIGURATION.replace(`${row}\n`, ''))).toEqual([
      'PATIENT_SESSION_MAX_MINUTES',
    ]);
    const cutOff = CONFIGURATION.replace(row!, `\n${row}`);
    expect(missingFromTables(SETTING_NAMES, cutOff)).toContain('PATIENT_SESSION_MAX_MINUTES');
  });
});

describe('ports', () => {
  const sources = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return ['node_modules', 'histories', 'results'].includes(e.name) ? [] : sources(rel);
      return e.name.endsWith('.ts') ? [rel] : [];
    });

  // Temporal's HTTP and metrics ports and the SDK's exporter are the next ones after their part's.
  const OURS = [DEV_PORTS, TEST_PORTS_BASE].flatMap((set) => [
    ...Object.values(set),
    set.temporal + 1,
    set.temporal + 2,
    set.workerMetrics + 1,
  ]);
  const CHECKERS = ['scripts/ports.ts', 'test/ops/doc-checks.ts', 'test/ops/settings.test.ts'];

  it('are numbers only in scripts/ports.ts: nothing else dials this machine on one of our ports by number', () => {
    const files = [...['scripts', 'test', 'bench', 'api', 'media'].flatMap(sources), 'config.ts', 'worker.ts'];
    const found = files
      .filter((f) => !CHECKERS.includes(f))
      .flatMap((f) => loopbackPortLiterals(read(f), OURS).map((hit) => `${f}: ${hit}`));
    expect(found).toEqual([]);
    const doctored =
      "const WEB = 'http://127.0.0.1:3099';\nconst PORT = Number(env.X ?? 3099);\nconst SMTP = '127.0.0.1:2525';";
    expect(loopbackPortLiterals(doctored, OURS)).toEqual(['127.0.0.1:3099', 'PORT = Number(env.X ?? 3099']);
  });
});
