/**
 * `npm start`'s supervision: every part of a running stack is killed with SIGKILL in turn; each is
 * restarted (and says so), and an encounter in flight carries on to exactly one charge and one note.
 * Then SIGTERM stops the whole stack in order, quietly, within 10 s.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as m from '../../workflows/encounter.messages';
import { connect, TestContext } from '../../testkit/env';
import { Fixture, makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, clinicianOf, runSession, startEncounter, throughIdentity, waitForStatus } from '../../testkit/drive';
import { waitFor as untilOk } from '../../testkit/wait';
import { DEV_PORTS, shiftPorts } from '../../scripts/ports';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
const OFFSET = 20;
const PORTS = shiftPorts(DEV_PORTS, OFFSET);
const WEB = `http://127.0.0.1:${PORTS.web}`;
const WORKER = `http://127.0.0.1:${PORTS.workerMetrics}`;
let dataDir: string;
let stack: ChildProcess;
let out = '';
let ctx: TestContext | undefined;
let f: Fixture;

/** The one waiter (testkit/wait.ts), with the stack's last output when it times out. */
const until = <T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 60_000) =>
  untilOk(probe, what, ms).catch((e: Error) => {
    throw new Error(`${e.message}; stack output:\n${out.slice(-3000)}`);
  });
const count = (s: string) => out.split(s).length - 1;
const ready = () =>
  until(async () => (await fetch(`${WEB}/readyz`)).ok && (await fetch(`${WORKER}/readyz`)).ok, 'web and worker ready');

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardmote-stack-'));
  fs.chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(DATABASE_URL|TEMPORAL_|JANUS_|OIDC_|API_CLIENT|PORT$|WORKER_METRICS)/.test(k)) delete env[k];
  Object.assign(env, {
    VARDMOTE_PORT_OFFSET: String(OFFSET),
    VARDMOTE_DATA_DIR: dataDir,
    ALLOW_POLICY_OVERRIDE: 'true',
    LOG_LEVEL: 'warn',
  });
  stack = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'stack.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout!.on('data', (d) => (out += String(d)));
  stack.stderr!.on('data', (d) => (out += String(d)));
  await until(() => out.includes('[vardmote] ready in'), 'the stack to be ready', 120_000);
  ctx = await connect({
    DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${PORTS.postgres}/vardmote`,
    TEMPORAL_ADDRESS: `127.0.0.1:${PORTS.temporal}`,
    TEMPORAL_TASK_QUEUE: 'vardmote',
  });
  f = await makeFixture(ctx.orm);
});

afterAll(async () => {
  await ctx?.close();
  if (stack && stack.exitCode === null) stack.kill('SIGKILL');
  // Whatever is left of the parts (a failed run) is stopped by its pid file.
  for (const file of fs.existsSync(path.join(dataDir, 'run')) ? fs.readdirSync(path.join(dataDir, 'run')) : []) {
    try {
      process.kill(Number(fs.readFileSync(path.join(dataDir, 'run', file), 'utf8')), 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function killPart(name: string): Promise<void> {
  const before = count(`${name.padEnd(12)} ok  restarted`);
  const pid = Number(fs.readFileSync(path.join(dataDir, 'run', `${name}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
  await until(() => count(`${name.padEnd(12)} ok  restarted`) > before, `${name} to be restarted`);
  expect(out).toContain(`${name.padEnd(12)} DOWN was killed (SIGKILL); restart`);
  await ready();
}

it('restarts every part killed with SIGKILL; the encounter in flight ends with one charge and one note', async () => {
  const { id, handle } = await startEncounter(ctx!, f, f.adultId, { activityTimeoutSeconds: 3 });
  await throughIdentity(handle, f);

  for (const part of ['temporal', 'postgres', 'janus', 'idp', 'web']) await killPart(part);
  // The test's own database pool lost its connections with PostgreSQL: the first use may fail once.
  const slot = await until(() => makeSlot(ctx!.orm, f.clinicianId, 15), 'a slot after the PostgreSQL restart');
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await killPart('worker');

  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Efter omstarter.' }],
  });
  expect(await handle.result()).toEqual({ status: 'closed', chargeOre: 27_500 });
  const rows = (sql: string) => ctx!.orm.em.fork().execute<Array<{ n: string }>>(sql, [id]);
  expect((await rows('select count(*) as n from charge where encounter_id = ?'))[0].n).toBe('1');
  expect((await rows('select count(*) as n from journal_note where encounter_id = ?'))[0].n).toBe('1');
});

it('SIGTERM stops the stack in reverse order within 10 s, leaving no part running and no error output', async () => {
  const pids = fs
    .readdirSync(path.join(dataDir, 'run'))
    .map((p) => Number(fs.readFileSync(path.join(dataDir, 'run', p), 'utf8')));
  expect(pids.length).toBe(6);
  // Work still running (the encounter's invoice: its PDF and mail) would rightly log its interrupted
  // activity; stop once it is done, as an operator would, and expect silence.
  await until(
    async () =>
      Number(
        (
          await ctx!.orm.em
            .fork()
            .execute<Array<{ n: string }>>(
              `select count(*) as n from outbox_message where idempotency_key like 'invoice:%'`,
            )
        )[0].n,
      ) > 0 || undefined,
    'the invoice to be sent',
  );
  const from = out.length;
  const t = Date.now();
  stack.kill('SIGTERM');
  await until(() => (stack.exitCode !== null ? true : undefined), 'the stack to exit', 15_000);
  expect(Date.now() - t).toBeLessThan(10_000);
  expect(stack.exitCode).toBe(0);
  const alive = pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(alive).toEqual([]);
  const tail = out.slice(from);
  expect(tail).toMatch(/stopping…[\s\S]*stopped \(\d+\.\d s\)/);
  expect(tail).not.toMatch(/error|Error|ECONNREFUSED/);
});
