/** `npm test` helper: starts fresh embedded services on test ports, migrates, runs a command, stops all. */
import '../runtime';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createOrm, migrate } from '../db/orm';
import { testPorts } from './ports';
import { ROOT, startServices } from './services';
import { secs } from './supervisor';

// VARDMOTE_TEST_PORT_OFFSET moves every test port (scripts/ports.ts): two checkouts can test side by side.
const TEST_PORTS = testPorts();
const log = (line: string) => process.stdout.write(`[test-stack] ${line}\n`);

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) throw new Error('usage: with-services <command> [args…]');
  const t = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Tests always run on their own embedded services, whatever the shell points at.
  for (const k of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'JANUS_WS_URL',
    'TURN_URLS',
    'TURN_SECRET',
    'OIDC_PATIENT_ISSUER',
    'OIDC_STAFF_ISSUER',
  ])
    delete env[k];
  // The web address tests use, so that login redirects come back to it; short test policies are allowed.
  Object.assign(env, {
    PORT: String(TEST_PORTS.web),
    ALLOW_POLICY_OVERRIDE: 'true',
    RATE_LIMIT_API_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_PAGE_PER_MINUTE: '100000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
    RATE_LIMIT_SINK_PER_MINUTE: '100000',
    // A worker a test spawns serves its metrics here, not on npm start's port.
    WORKER_METRICS_PORT: String(TEST_PORTS.workerMetrics),
  });
  // A run on moved ports keeps its own data and pid files: a fresh start clears the data folder and
  // stops the processes its pid files name, which would be another run's in the same checkout.
  const offset = process.env.VARDMOTE_TEST_PORT_OFFSET;
  const services = await startServices({
    dataDir: path.join(ROOT, '.data', offset && Number(offset) !== 0 ? `test-${Number(offset)}` : 'test'),
    ports: TEST_PORTS,
    temporalUi: false,
    fresh: true,
    env,
    log,
  });
  let code = 1;
  try {
    const orm = await createOrm(services.env.DATABASE_URL);
    log(`migrations   ok  ${(await migrate(orm)).join(', ')}`);
    await orm.close();
    log(`services ready in ${secs(t)}; running: ${[cmd, ...args].join(' ')}`);
    code = await new Promise<number>((resolve) => {
      const child = spawn(cmd, args, {
        env: { ...env, ...services.env, TEST_WEB_PORT: String(TEST_PORTS.web) },
        stdio: 'inherit',
      });
      const forward = (sig: NodeJS.Signals) => child.kill(sig);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    });
  } finally {
    await services.stop();
    log('services stopped');
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(`[test-stack] FAILED: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
