/**
 * Test-only switches, outside the production settings (config.ts): read only where they act, and
 * refused with NODE_ENV=production (loadConfig lists them with the other problems; reading one throws).
 */
import { bool, ConfigError } from './config-env';

const DEFAULT_HANG_MS = 10 * 60_000;

/** Each switch with the line production refuses it with. */
export const TEST_SWITCHES = {
  /** Lets POST /api/encounters carry short timer policies (api/encounters/api-service.ts). */
  ALLOW_POLICY_OVERRIDE: 'for tests only, never in production',
  /** Fault injection in the worker: a comma list of hang points (activities/faults.ts). */
  VARDMOTE_FAULT: 'fault injection is for tests only, never in production',
  /** How long an injected fault hangs, in ms (default 10 minutes: tests kill the worker meanwhile). */
  VARDMOTE_FAULT_HANG_MS: 'fault injection is for tests only, never in production',
} as const;

export type TestSwitchName = keyof typeof TEST_SWITCHES;

export interface TestSwitches {
  allowPolicyOverride: boolean;
  fault?: string;
  faultHangMs: number;
}

/** The switches' values, unchecked for production; a value that is no switch value is a problem. */
function parse(vars: Record<string, string | undefined>): { switches: TestSwitches; problems: string[] } {
  const problems: string[] = [];
  const allow = bool.safeParse(vars.ALLOW_POLICY_OVERRIDE || 'false');
  if (!allow.success) problems.push(`ALLOW_POLICY_OVERRIDE: true or false, not "${vars.ALLOW_POLICY_OVERRIDE}"`);
  const hangMs = Number(vars.VARDMOTE_FAULT_HANG_MS || DEFAULT_HANG_MS);
  if (!Number.isFinite(hangMs) || hangMs < 0)
    problems.push(`VARDMOTE_FAULT_HANG_MS: a number of milliseconds, not "${vars.VARDMOTE_FAULT_HANG_MS}"`);
  const switches = {
    allowPolicyOverride: allow.success && allow.data,
    fault: vars.VARDMOTE_FAULT || undefined,
    faultHangMs: hangMs,
  };
  return { switches, problems };
}

/**
 * One line per malformed switch and, when `vars` is a production environment, per switch that is on.
 * @param vars - usually process.env
 */
export function testSwitchProblems(vars: Record<string, string | undefined>): string[] {
  const { switches, problems } = parse(vars);
  if (vars.NODE_ENV !== 'production') return problems;
  const on: Record<TestSwitchName, boolean> = {
    ALLOW_POLICY_OVERRIDE: switches.allowPolicyOverride,
    VARDMOTE_FAULT: switches.fault !== undefined,
    VARDMOTE_FAULT_HANG_MS: Boolean(vars.VARDMOTE_FAULT_HANG_MS),
  };
  const refused = (Object.keys(TEST_SWITCHES) as TestSwitchName[]).filter((name) => on[name]);
  return [...problems, ...refused.map((name) => `${name}: ${TEST_SWITCHES[name]}`)];
}

/**
 * The switches as the test stack set them; throws ConfigError for a malformed one, and in production for any on.
 * @param vars - usually process.env
 */
export function readTestSwitches(vars: Record<string, string | undefined> = process.env): TestSwitches {
  const problems = testSwitchProblems(vars);
  if (problems.length) throw new ConfigError(problems);
  return parse(vars).switches;
}
