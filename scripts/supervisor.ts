/**
 * One supervised process of `npm start` / `npm test`: started, probed until ready, restarted with
 * backoff when it dies unasked (the restart is printed), and stopped on request.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface PartSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Start from an empty environment, not this process's (the production-shape test's processes see only their own settings). */
  ownEnvOnly?: boolean;
  /** Run as this user (PostgreSQL refuses root). */
  uid?: number;
  gid?: number;
  /** Output: a log file under the data folder, or the terminal (worker and web print JSON lines there). */
  output: 'file' | 'inherit';
  /** Resolves once the part answers; retried until readyTimeoutMs. */
  ready: () => Promise<void>;
  readyTimeoutMs: number;
  /** The signal that stops it cleanly (PostgreSQL: SIGINT, a fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];
/** Up this long after a (re)start and the backoff starts again from its first step. */
const STABLE_MS = 60_000;

export class Supervised {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    readonly spec: PartSpec,
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the part and waits until it answers. */
  async start(): Promise<void> {
    const { spec } = this;
    const pidFile = path.join(this.dataDir, 'run', `${spec.name}.pid`);
    killStale(pidFile);
    const logFd = spec.output === 'file' ? fs.openSync(path.join(this.dataDir, `${spec.name}.log`), 'a') : undefined;
    // Its own process group: Ctrl-C in the terminal reaches only the supervisor, which stops parts in order.
    const child = spawn(spec.command, spec.args, {
      stdio: logFd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', logFd, logFd],
      env: spec.ownEnvOnly ? spec.env : { ...process.env, ...spec.env },
      detached: true,
      ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
    });
    if (logFd !== undefined) fs.closeSync(logFd);
    this.child = child;
    this.startedAt = Date.now();
    if (child.pid) fs.writeFileSync(pidFile, String(child.pid));
    child.once('exit', (code, signal) => {
      fs.rmSync(pidFile, { force: true });
      if (this.child === child && !this.stopping) this.restartLater(code, signal);
    });
    await waitFor(spec.name, child, spec.readyTimeoutMs, spec.ready);
  }

  private restartLater(code: number | null, signal: NodeJS.Signals | null): void {
    if (Date.now() - this.startedAt > STABLE_MS) this.restarts = 0;
    const delay = BACKOFF_MS[Math.min(this.restarts, BACKOFF_MS.length - 1)];
    this.restarts++;
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    this.log(`${this.spec.name.padEnd(12)} DOWN ${how}; restart ${this.restarts} in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      const t = Date.now();
      this.start().then(
        () => this.log(`${this.spec.name.padEnd(12)} ok  restarted (${secs(t)})`),
        (e) => this.log(`${this.spec.name.padEnd(12)} restart failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, delay);
  }

  /** Stops it (its clean signal, SIGKILL after graceMs) and never restarts it again. */
  async stop(graceMs = 8000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.child) await stopChild(this.child, graceMs, this.spec.stopSignal);
  }
}

/** A previous run killed hard may have left a server behind: stop it before reusing its port. */
function killStale(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(pidFile, { force: true });
}

async function waitFor(
  name: string,
  child: ChildProcess,
  timeoutMs: number,
  probe: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited with ${child.signalCode ?? `code ${child.exitCode}`}; see its log under .data/`);
    try {
      await probe();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${name} was not ready after ${timeoutMs / 1000} s: ${String(last)}`);
}

/** Its clean stop signal (SIGTERM by default), then SIGKILL if it has not exited after graceMs. */
export function stopChild(child: ChildProcess, graceMs = 8000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export function secs(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
