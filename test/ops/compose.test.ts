/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine (none runs here): the compose
 * CLI validates the file, and the image's files and packages are checked against what the processes import.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const compose = spawnSync('sh', ['-c', 'command -v docker-compose || command -v docker'], {
  encoding: 'utf8',
}).stdout.trim();
const composeArgs = compose.endsWith('docker') ? ['compose'] : [];
const env = {
  ...process.env,
  POSTGRES_PASSWORD: 'validate-only',
  PUBLIC_URL: 'https://vardmote.region.example',
  VARDMOTE_ENV_FILE: '.env.example',
  TEMPORAL_UI_ORIGIN: 'https://temporal-ui.region.example',
  TEMPORAL_AUTH_PROVIDER_URL: 'https://idp.region.example',
  TEMPORAL_AUTH_CLIENT_ID: 'temporal-ui',
  TEMPORAL_AUTH_CLIENT_SECRET: 'validate-only',
};
const run = (...args: string[]) =>
  spawnSync(compose, [...composeArgs, '-f', path.join(ROOT, 'docker-compose.yml'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });

if (!compose)
  console.warn('compose tests skipped: no docker-compose here (scripts/bootstrap.sh --test installs it as root)');
const withCompose = compose ? it : it.skip;

withCompose('`docker compose config` accepts docker-compose.yml', () => {
  const res = run('config', '-q');
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
});

withCompose('it has every part, and the test identity provider only under the demo profile', () => {
  const services = run('config', '--services').stdout.trim().split('\n').sort();
  expect(services).toEqual(
    [
      'admin-tools',
      'idp',
      'janus',
      'migrate',
      'postgres',
      'temporal',
      'temporal-schema',
      'temporal-ui',
      'web',
      'worker',
    ].sort(),
  );
  const idp = run('config')
    .stdout.split(/\n {2}(?=[a-z-]+:\n)/)
    .find((b) => b.startsWith('idp:'))!;
  expect(idp).toMatch(/profiles:\n\s+- demo/);
});

withCompose('every long-running service has a health check and a restart policy; secrets are not defaulted', () => {
  const text = run('config').stdout;
  for (const name of ['postgres', 'temporal', 'janus', 'web', 'worker']) {
    const block = text.split(/\n {2}(?=[a-z-]+:\n)/).find((b) => b.startsWith(`${name}:`))!;
    expect([name, /healthcheck:/.test(block), /restart: unless-stopped/.test(block)]).toEqual([name, true, true]);
  }
  expect(POSTGRES_UNSET().status).not.toBe(0);
});

function POSTGRES_UNSET() {
  return configWith({ POSTGRES_PASSWORD: '' });
}

function configWith(overrides: Record<string, string>) {
  return spawnSync(compose, [...composeArgs, '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], {
    cwd: ROOT,
    env: { ...env, ...overrides },
    encoding: 'utf8',
  });
}

withCompose("only clients with our CA's certificate reach Temporal; its UI is read-only behind the staff IdP", () => {
  const text = run('config').stdout;
  const block = (name: string) => text.split(/\n {2}(?=[a-z-]+:\n)/).find((b) => b.startsWith(`${name}:`))!;
  expect(block('temporal')).toMatch(/TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: ["']true["']/);
  expect(block('temporal')).toMatch(/TEMPORAL_TLS_CLIENT1_CA_CERT: \/etc\/temporal\/tls\/ca.pem/);
  for (const name of ['web', 'worker', 'temporal-ui', 'admin-tools']) {
    expect([name, /TEMPORAL_TLS(_CLIENT)?_CERT(_PATH)?: \/run\/temporal-tls\/client.pem/.test(block(name))]).toEqual([
      name,
      true,
    ]);
    expect([
      name,
      new RegExp(
        `temporal-tls/${name === 'temporal-ui' ? 'ui' : name.replace('-tools', '')}:/run/temporal-tls:ro`,
      ).test(block(name)),
    ]).toEqual([name, true]);
  }
  const ui = block('temporal-ui');
  expect(ui).toMatch(/TEMPORAL_AUTH_ENABLED: ["']true["']/);
  expect(ui).toMatch(/TEMPORAL_DISABLE_WRITE_ACTIONS: ["']true["']/);
  expect(ui).toMatch(/TEMPORAL_AUTH_PROVIDER_URL: https:\/\/idp.region.example/);
  for (const unset of ['TEMPORAL_AUTH_PROVIDER_URL', 'TEMPORAL_AUTH_CLIENT_ID', 'TEMPORAL_AUTH_CLIENT_SECRET'])
    expect([unset, configWith({ [unset]: '' }).status === 0]).toEqual([unset, false]);
});

describe('the Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const copied = [...dockerfile.matchAll(/^COPY (?!--from)(?:--chown=\S+ )?(.+) \S+$/gm)].flatMap((m) =>
    m[1].split(' '),
  );

  it('is multi-stage, installs without dev dependencies and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const f of copied) expect([f, fs.existsSync(path.join(ROOT, f))]).toEqual([f, true]);
  });

  it('copies every file the web, worker and migrate processes import, and every package they import is a runtime dependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
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
    for (const entry of ['api/server.ts', 'worker.ts', 'scripts/migrate.ts', 'workflows/index.ts'])
      visit(path.join(ROOT, entry));
    expect([...missingFiles]).toEqual([]);
    expect([...devPackages]).toEqual([]);
  });
});
