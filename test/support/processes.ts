/**
 * Fault tests' tools: the real worker (worker.ts) as its own process, and the parts of the test stack
 * (scripts/with-services.ts supervises them: a part killed here is restarted there).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { connect, type TestContext } from '../../testkit/env';
import { waitFor } from '../../testkit/wait';
import { workflowBundle } from '../../testkit/worker';

const ROOT = path.resolve(__dirname, '..', '..');
// scripts/with-services.ts's data folder: its own per VARDMOTE_TEST_PORT_OFFSET, so a moved run's pid files.
const OFFSET = Number(process.env.VARDMOTE_TEST_PORT_OFFSET ?? 0);
export const TEST_DATA_DIR = path.join(ROOT, '.data', OFFSET ? `test-${OFFSET}` : 'test');
const RUN_DIR = path.join(TEST_DATA_DIR, 'run');
const children: ChildProcess[] = [];

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
}

/** The workflow bundle written once for this test file's workers (they start seconds faster with it). */
let bundled: Promise<string> | undefined;
function bundleFile(): Promise<string> {
  bundled ??= workflowBundle().then(({ code }) => {
    const file = path.join(ROOT, '.data', 'test', `workflow-bundle-${randomUUID()}.js`);
    fs.writeFileSync(file, code);
    return file;
  });
  return bundled;
}

/** The real worker entry point on the test's task queue; env may carry a VARDMOTE_FAULT spec. */
export async function spawnWorker(ctx: TestContext, env: Record<string, string> = {}): Promise<WorkerProcess> {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker.ts')], {
    env: {
      ...process.env,
      WORKFLOW_BUNDLE: await bundleFile(),
      TEMPORAL_TASK_QUEUE: ctx.config.temporal.taskQueue,
      LOG_LEVEL: 'warn',
      JANUS_REQUIRED: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  children.push(child);
  return {
    child,
    output: () => out,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Kills every worker this test file spawned (afterAll). */
export function killSpawned(): void {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

const pidOf = (part: string) => Number(fs.readFileSync(path.join(RUN_DIR, `${part}.pid`), 'utf8'));

/**
 * Kills a part of the test stack (SIGKILL, or SIGTERM for a clean stop) and waits until its supervisor
 * has started a new one that answers `ready`.
 */
export async function restartPart(
  part: 'postgres' | 'temporal' | 'janus',
  ready: () => Promise<unknown>,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  const old = pidOf(part);
  process.kill(old, signal);
  await waitFor(() => {
    try {
      return pidOf(part) !== old || undefined;
    } catch {
      return undefined;
    }
  }, `${part} to be restarted by the test stack's supervisor`);
  await waitFor(() => ready().then(() => true), `${part} to answer after its restart`);
}

/** Timers long enough that killing and restarting parts never trips a no-show or an overdue note. */
export const PATIENT_POLICY = {
  noShowGraceSeconds: 600,
  roomOpensBeforeSeconds: 24 * 3600,
  documentationReminderSeconds: 600,
  documentationOverdueSeconds: 1200,
  lateCancelSeconds: 0,
  activityTimeoutSeconds: 3,
  invoice: { reminderAfterDueSeconds: 3600, reminderTermsDays: 14, dueSeconds: 3600, activityTimeoutSeconds: 3 },
};

/** Jest hooks of a fault test: connects before, kills the workers it spawned and disconnects after. */
export function useFaultContext(): { ctx: TestContext } {
  const holder = {} as { ctx: TestContext };
  beforeAll(async () => {
    holder.ctx = await connect();
  });
  afterAll(async () => {
    killSpawned();
    await holder.ctx?.close();
  });
  return holder;
}
