/**
 * The production shape without Docker: the processes docker-compose.yml runs, on this machine, as
 * compose runs them — NODE_ENV=production, the TLS proxy (Caddy, deploy/caddy) with a local CA,
 * TURN, a PostgreSQL role per service, the namespace job, two migration runs at once, two web and two
 * worker processes. The stand-ins of docker-compose.demo.yml (test identity provider behind the proxy, test
 * journal, test SMS centre, a local mail relay with STARTTLS) are let in by VARDMOTE_DEMO=true.
 * `npm run production-shape` starts it and prints where it answers; test/ops/production-shape.int.test.ts
 * drives an encounter through it.
 */
import '../runtime';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { ensureRoles, ROLES } from '../db/roles';
import { DEV_PORTS, shiftPorts, type StackPorts } from './ports';
import { findTemporalCli, ROOT, startServices, type RunningServices } from './services';
import { secs, Supervised, type PartSpec } from './supervisor';
import { ensureTestPki } from './test-ca';

/** Above `npm start`'s ports (and the supervision test's, at 20), so all three can run at once. */
export const SHAPE_PORT_OFFSET = 40;
const NAMESPACE = 'vardmote';
/** A valid bankgiro number that is none of Bankgirot's examples. */
const SHAPE_BANKGIRO = '123-4566';

export interface ShapePorts extends StackPorts {
  proxy: number;
  proxyHttp: number;
  idpSite: number;
  webs: number[];
  workers: number[];
  smtp: number;
}

export interface ProductionShape {
  /** PUBLIC_URL: the proxy's https address. */
  url: string;
  /** The test identity provider's public issuer, through the proxy. */
  issuer: string;
  ports: ShapePorts;
  /** The local CA the proxy's certificate is signed by (trusted by the app processes). */
  caPath: string;
  webs: Supervised[];
  workers: Supervised[];
  proxy: Supervised;
  services: RunningServices;
  /** The superuser's URL to Vårdmöte's database (the test's own checks and fixtures). */
  adminDatabaseUrl: string;
  /** The app role's URL (what web and worker use). */
  appDatabaseUrl: string;
  /** The environment every web and worker process gets (secrets included). */
  appEnv: Record<string, string>;
  /** Mail the local relay received. */
  mail: Array<{ to: string[]; size: number }>;
  stop(): Promise<void>;
}

export function shapePorts(offset = SHAPE_PORT_OFFSET): ShapePorts {
  const p = shiftPorts(DEV_PORTS, offset);
  return {
    ...p,
    proxy: 8443 + offset,
    proxyHttp: 8080 + offset,
    idpSite: 8444 + offset,
    webs: [p.web, p.web + 1],
    // Each worker takes two ports: its own /metrics and the Temporal SDK's exporter.
    workers: [p.workerMetrics, p.workerMetrics + 2],
    smtp: 2525 + offset,
  };
}

const secret = () => randomBytes(24).toString('base64url');

/** Adds a CA to this process's default trust (Node ≥ 22.19/24.5; the installed @types/node predates it). */
export function trustAlso(caPem: string): void {
  const t = tls as unknown as {
    getCACertificates(kind: 'default'): string[];
    setDefaultCACertificates(certs: string[]): void;
  };
  t.setDefaultCACertificates([...t.getCACertificates('default'), caPem]);
}

/** Runs a process to its end; rejects with its output when it fails. */
function run(command: string, args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${out.trim()}`))));
  });
}

const ok = async (url: string) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
};

/**
 * Starts the production shape in `dataDir` (emptied first).
 * @param opts.offset - port offset over `npm start`'s (default 40)
 */
export async function startProductionShape(opts: {
  dataDir: string;
  log: (line: string) => void;
  offset?: number;
}): Promise<ProductionShape> {
  const { dataDir, log } = opts;
  const ports = shapePorts(opts.offset);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
  fs.chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user and must reach its folder
  const url = `https://127.0.0.1:${ports.proxy}`;
  const issuer = `https://127.0.0.1:${ports.idpSite}`;

  // The proxy's certificate from a local CA, which this process and every app process trust.
  const pki = ensureTestPki(path.join(dataDir, 'proxy-test-ca'), {}, 'Vardmote production-shape test CA');
  trustAlso(fs.readFileSync(pki.caPath, 'utf8'));

  const janusSecrets = {
    JANUS_ADMIN_SECRET: secret(),
    JANUS_API_SECRET: secret(),
    JANUS_ROOM_ADMIN_KEY: secret(),
    JANUS_EVENT_SECRET: secret(),
  };
  const services = await startServices({
    dataDir,
    ports,
    temporalUi: false,
    fresh: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PUBLIC_URL: url, ...janusSecrets },
    idpIssuer: issuer,
    log,
  });
  const stoppers: Array<() => Promise<void>> = [() => services.stop()];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch((e) => log(`stop failed: ${String(e)}`));
  };
  try {
    // The region's mail relay: STARTTLS with the local CA's certificate, so mail goes out over TLS only.
    const mail: ProductionShape['mail'] = [];
    const smtp = new SMTPServer({
      key: fs.readFileSync(pki.keyPath),
      cert: fs.readFileSync(pki.certPath),
      authOptional: true,
      disabledCommands: ['AUTH'],
      logger: false,
      onData(stream, session, done) {
        let size = 0;
        stream.on('data', (d: Buffer) => (size += d.length));
        stream.on('end', () => {
          mail.push({ to: session.envelope.rcptTo.map((r) => r.address), size });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(ports.smtp, '127.0.0.1', resolve));
    stoppers.push(() => new Promise((resolve) => smtp.close(() => resolve())));

    // 1. One role per service (compose's db-roles job), then the migrations as the owner, twice at once.
    const adminDatabaseUrl = services.env.DATABASE_URL;
    const serverUrl = new URL(adminDatabaseUrl);
    serverUrl.pathname = '/postgres';
    const passwords = { temporal: secret(), owner: secret(), app: secret() };
    await ensureRoles(serverUrl.toString(), passwords);
    const as = (role: string, password: string) => {
      const u = new URL(adminDatabaseUrl);
      u.username = role;
      u.password = password;
      return u.toString();
    };
    const appDatabaseUrl = as(ROLES.app, passwords.app);
    log(`roles        ok  ${Object.values(ROLES).join(', ')}`);

    const appEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? os.homedir(),
      NODE_ENV: 'production',
      VARDMOTE_DEMO: 'true',
      NODE_EXTRA_CA_CERTS: pki.caPath,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DATABASE_URL: appDatabaseUrl,
      TEMPORAL_ADDRESS: services.env.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: NAMESPACE,
      PUBLIC_URL: url,
      JANUS_WS_URL: services.env.JANUS_WS_URL,
      JANUS_ADMIN_URL: services.env.JANUS_ADMIN_URL,
      JANUS_PUBLIC_WS_URL: `wss://127.0.0.1:${ports.proxy}/janus`,
      ...janusSecrets,
      ...(services.env.JANUS_REQUIRED ? { JANUS_REQUIRED: services.env.JANUS_REQUIRED } : {}),
      SESSION_SECRET: secret() + secret(),
      PAYLOAD_KEYS: `shape:${randomBytes(32).toString('base64')}`,
      OIDC_PATIENT_ISSUER: services.env.OIDC_PATIENT_ISSUER,
      OIDC_PATIENT_CLIENT_SECRET: services.env.OIDC_PATIENT_CLIENT_SECRET,
      OIDC_STAFF_ISSUER: services.env.OIDC_STAFF_ISSUER,
      OIDC_STAFF_CLIENT_SECRET: services.env.OIDC_STAFF_CLIENT_SECRET,
      API_TOKEN_CLIENT_IDS: services.env.API_CLIENT_ID,
      FINANCE_BANKGIRO: SHAPE_BANKGIRO,
      SMTP_URL: `smtp://localhost:${ports.smtp}`,
      // One shared limit for the pair of web processes (PostgreSQL), low enough for the test to reach.
      RATE_LIMIT_LOGIN_PER_MINUTE: '12',
    };
    // The stand-ins startServices ran (journal, SMS centre, TURN): whatever it set beyond the above.
    for (const k of Object.keys(services.env))
      if (/^(FHIR_|SMPP_URL|SMS_SENDER|TURN_)/.test(k)) appEnv[k] = services.env[k];

    const migrateEnv = { ...appEnv, DATABASE_URL: as(ROLES.owner, passwords.owner), DATABASE_APP_ROLE: ROLES.app };
    const migrations = [process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'migrate.ts')]] as const;
    const t = Date.now();
    const outs = await Promise.all([run(...migrations, migrateEnv), run(...migrations, migrateEnv)]);
    log(`migrations   ok  two runs at once (${secs(t)}): ${outs.map((o) => o.split('\n')[0]).join(' | ')}`);

    // 2. The namespace (compose's namespace job).
    await run(
      findTemporalCli(),
      ['operator', 'namespace', 'create', '--namespace', NAMESPACE, '--address', services.env.TEMPORAL_ADDRESS],
      { PATH: appEnv.PATH, HOME: appEnv.HOME },
    );
    // A new namespace reaches the frontend's cache a few seconds later; the workers wait for it here.
    for (let i = 0; ; i++) {
      try {
        await run(
          findTemporalCli(),
          ['workflow', 'count', '--namespace', NAMESPACE, '--address', services.env.TEMPORAL_ADDRESS],
          { PATH: appEnv.PATH, HOME: appEnv.HOME },
        );
        break;
      } catch (e) {
        if (i > 60) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    log(`namespace    ok  ${NAMESPACE}`);

    const supervise = async (spec: PartSpec): Promise<Supervised> => {
      const part = new Supervised(spec, dataDir, log);
      stoppers.push(() => part.stop());
      await part.start();
      return part;
    };
    // 3. The TLS front (deploy/caddy/Caddyfile) with the demo identity provider's site beside it.
    const sites = path.join(dataDir, 'caddy-sites');
    fs.mkdirSync(sites, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'deploy', 'caddy', 'demo.d', 'idp.caddy'), path.join(sites, 'idp.caddy'));
    const proxy = await supervise({
      name: 'proxy',
      command: process.env.CADDY_BIN ?? 'caddy',
      args: ['run', '--config', path.join(ROOT, 'deploy', 'caddy', 'Caddyfile'), '--adapter', 'caddyfile'],
      ownEnvOnly: true,
      env: {
        PATH: appEnv.PATH,
        HOME: dataDir,
        XDG_DATA_HOME: path.join(dataDir, 'caddy-data'),
        XDG_CONFIG_HOME: path.join(dataDir, 'caddy-config'),
        VARDMOTE_SITE: url,
        CADDY_TLS: `tls ${pki.certPath} ${pki.keyPath}`,
        CADDY_HTTP_PORT: String(ports.proxyHttp),
        CADDY_HTTPS_PORT: String(ports.proxy),
        WEB_UPSTREAMS: ports.webs.map((p) => `127.0.0.1:${p}`).join(' '),
        JANUS_UPSTREAM: new URL(services.env.JANUS_WS_URL).host,
        CADDY_SITES_DIR: sites,
        IDP_SITE: issuer,
        IDP_UPSTREAM: `127.0.0.1:${ports.idp}`,
      },
      output: 'file',
      readyTimeoutMs: 20_000,
      ready: () => ok(`${issuer}/.well-known/openid-configuration`),
    });
    log(`proxy        ok  ${url} and ${issuer} (Caddy, local CA)`);

    // 4. Two workers and two web processes, each with only its own settings.
    const node = (entry: string) => ['--import', 'tsx', path.join(ROOT, entry)];
    const workers = await Promise.all(
      ports.workers.map((p, i) =>
        supervise({
          name: `worker-${i + 1}`,
          command: process.execPath,
          args: node('worker.ts'),
          ownEnvOnly: true,
          env: { ...appEnv, WORKER_METRICS_PORT: String(p), WORKER_METRICS_HOST: '127.0.0.1' },
          output: 'file',
          readyTimeoutMs: 90_000,
          ready: () => ok(`http://127.0.0.1:${p}/readyz`),
        }),
      ),
    );
    const webs = await Promise.all(
      ports.webs.map((p, i) =>
        supervise({
          name: `web-${i + 1}`,
          command: process.execPath,
          args: node('api/server.ts'),
          ownEnvOnly: true,
          env: { ...appEnv, PORT: String(p) },
          output: 'file',
          readyTimeoutMs: 90_000,
          ready: () => ok(`http://127.0.0.1:${p}/readyz`),
        }),
      ),
    );
    // Through the proxy: once its health checks have seen a ready web process.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await ok(`${url}/readyz`);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    log(`web, worker  ok  two of each, NODE_ENV=production, through ${url}`);
    return {
      url,
      issuer,
      ports,
      caPath: pki.caPath,
      webs,
      workers,
      proxy,
      services,
      adminDatabaseUrl,
      appDatabaseUrl,
      appEnv,
      mail,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What a test needs of a running shape (written to <dataDir>/shape.json, readable by its owner only). */
export type ShapeInfo = Pick<
  ProductionShape,
  'url' | 'issuer' | 'ports' | 'caPath' | 'adminDatabaseUrl' | 'appDatabaseUrl' | 'appEnv'
> & { dataDir: string; machineClient: { id: string; secret: string } };

if (require.main === module) {
  const log = (line: string) => process.stdout.write(`[shape] ${line}\n`);
  const t = Date.now();
  const dataDir = process.env.VARDMOTE_SHAPE_DIR ?? path.join(ROOT, '.data', 'production-shape');
  // A test run on moved ports (VARDMOTE_TEST_PORT_OFFSET) moves the shape's too.
  const offset = SHAPE_PORT_OFFSET + Number(process.env.VARDMOTE_TEST_PORT_OFFSET || 0);
  startProductionShape({ dataDir, log, offset }).then(
    (shape) => {
      const info: ShapeInfo = {
        dataDir,
        url: shape.url,
        issuer: shape.issuer,
        ports: shape.ports,
        caPath: shape.caPath,
        adminDatabaseUrl: shape.adminDatabaseUrl,
        appDatabaseUrl: shape.appDatabaseUrl,
        appEnv: shape.appEnv,
        machineClient: { id: shape.services.env.API_CLIENT_ID, secret: shape.services.env.API_CLIENT_SECRET },
      };
      fs.writeFileSync(path.join(dataDir, 'shape.json'), JSON.stringify(info), { mode: 0o600 });
      log(`ready in ${secs(t)}: ${shape.url} (trust ${shape.caPath}); Ctrl-C stops`);
      const bye = () => void shape.stop().then(() => process.exit(0));
      process.on('SIGINT', bye);
      process.on('SIGTERM', bye);
    },
    (err) => {
      log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
