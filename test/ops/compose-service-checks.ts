/**
 * More checks behind test/ops/compose.test.ts (compose-checks.ts has the parsing helpers and what is
 * exposed): how the services start and run, pure functions over a parsed compose file, each returning
 * its problems, one line each; empty when all is well.
 */
import { commandText, conditionOn, envOf, networksOf, secretsOf, type ComposeFile } from './compose-checks';

/**
 * The one-shot namespace job: Temporal's admin tools with a client certificate of their own, describe
 * or create with a retention, after Temporal is healthy; web and worker wait for it to complete.
 */
export function namespaceJobProblems(c: ComposeFile): string[] {
  const job = c.services['temporal-namespace'];
  if (!job) return ['temporal-namespace: no such service'];
  const problems: string[] = [];
  const cmd = commandText(job);
  if (!/^temporalio\/admin-tools:/.test(job.image ?? ''))
    problems.push('temporal-namespace: not the admin-tools image');
  if (!/namespace describe[\s\S]*namespace create[\s\S]*--retention/.test(cmd))
    problems.push('temporal-namespace: does not describe, then create with a retention');
  if (!(job.volumes ?? []).some((v) => /\/namespace:\/run\/temporal-tls:ro$/.test(v)))
    problems.push('temporal-namespace: no client certificate directory of its own');
  if (conditionOn(job, 'temporal') !== 'service_healthy')
    problems.push('temporal-namespace: does not wait for Temporal');
  if (job.restart !== 'no') problems.push('temporal-namespace: is restarted (a one-shot job)');
  for (const name of ['web', 'worker'])
    if (conditionOn(c.services[name], 'temporal-namespace') !== 'service_completed_successfully')
      problems.push(`${name}: does not wait for the namespace job to complete`);
  return problems;
}

/**
 * Whether an image reference names a version: a tag with a dotted version (`18.1-bookworm`, `1.28.1`)
 * or a dated Debian snapshot (`bookworm-20260824-slim`); never `latest`, a bare major or no tag.
 * @param ref - e.g. `postgres:18.1-bookworm`
 */
export function isPinned(ref: string): boolean {
  const tag = /^[^:@]+(?::([^@]+))?/.exec(ref)?.[1];
  if (!tag || /latest/.test(tag)) return false;
  return /^v?\d+\.\d+/.test(tag) || /-\d{8}(-|$)/.test(tag);
}

/** Every third-party image is pinned; our own built ones are at least not `latest`. */
export function imageProblems(c: ComposeFile): string[] {
  return Object.entries(c.services).flatMap(([name, svc]) => {
    if (!svc.image) return svc.build ? [] : [`${name}: no image`];
    if (svc.build) return /:latest$|^[^:]+$/.test(svc.image) ? [`${name}: builds ${svc.image}`] : [];
    return isPinned(svc.image) ? [] : [`${name}: ${svc.image} is not pinned`];
  });
}

/**
 * The external base images a Dockerfile's FROM lines name that are not pinned (its own stages aside).
 * @param dockerfile - the file's text
 */
export function unpinnedBases(dockerfile: string): string[] {
  const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gim)].map((m) => m[1]));
  return [...dockerfile.matchAll(/^FROM (\S+)/gim)]
    .map((m) => m[1])
    .filter((ref) => !stages.has(ref) && !isPinned(ref));
}

/** Every service rotates its logs the same way (the file's x-logging). */
export function loggingProblems(c: ComposeFile, expected: unknown): string[] {
  const want = JSON.stringify(expected);
  const problems: string[] = [];
  const opts = (expected as { options?: Record<string, unknown> } | undefined)?.options ?? {};
  if (!('max-size' in opts) || !('max-file' in opts)) problems.push('x-logging: no max-size and max-file');
  for (const [name, svc] of Object.entries(c.services))
    if (JSON.stringify(svc.logging) !== want) problems.push(`${name}: logs without the x-logging rotation`);
  return problems;
}

/** Bytes in a compose size (`1gb`, `512m`, a number). */
export function bytesOf(size: string | number | undefined): number {
  if (size === undefined) return 0;
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(size.trim());
  if (!m) return 0;
  return Number(m[1]) * 1024 ** ['', 'k', 'm', 'g'].indexOf(m[2].toLowerCase());
}

/** The PostgreSQL password files each service may hold; every other service holds none. */
const PG_SECRETS: Record<string, string[]> = {
  postgres: ['postgres_password'],
  'db-roles': ['postgres_password', 'postgres_temporal_password', 'postgres_owner_password', 'postgres_app_password'],
  'temporal-schema': ['postgres_temporal_password'],
  temporal: ['postgres_temporal_password'],
  migrate: ['postgres_owner_password'],
  web: ['postgres_app_password'],
  worker: ['postgres_app_password'],
};
/** The role each of our processes connects as, in the URL its command builds. */
const CONNECTS_AS: Record<string, string> = {
  'db-roles': 'postgres',
  migrate: 'vardmote_owner',
  web: 'vardmote_app',
  worker: 'vardmote_app',
};

/**
 * One PostgreSQL role per service: the superuser's password only in PostgreSQL (as a file) and the
 * db-roles job; Temporal as `temporal`, the migrations as `vardmote_owner`, web and worker as
 * `vardmote_app`; each holds only its own role's password; the roles exist before anyone uses them.
 */
export function roleProblems(c: ComposeFile): string[] {
  const problems: string[] = [];
  const pg = envOf(c.services.postgres);
  if ('POSTGRES_PASSWORD' in pg) problems.push('postgres: the superuser password is in its environment');
  if (!pg.POSTGRES_PASSWORD_FILE) problems.push('postgres: no POSTGRES_PASSWORD_FILE');
  for (const [name, svc] of Object.entries(c.services)) {
    const held = secretsOf(svc)
      .filter((s) => s.startsWith('postgres_'))
      .sort();
    const own = [...(PG_SECRETS[name] ?? [])].sort();
    if (JSON.stringify(held) !== JSON.stringify(own))
      problems.push(`${name}: holds ${held.join(', ') || 'no'} password files`);
  }
  for (const [name, role] of Object.entries(CONNECTS_AS))
    if (!commandText(c.services[name]).includes(`postgres://${role}:`))
      problems.push(`${name}: does not connect as ${role}`);
  if (envOf(c.services.temporal).POSTGRES_USER !== 'temporal') problems.push('temporal: not the temporal role');
  if (envOf(c.services['temporal-schema']).SQL_USER !== 'temporal')
    problems.push('temporal-schema: not the temporal role');
  if (envOf(c.services.migrate).DATABASE_APP_ROLE !== 'vardmote_app')
    problems.push('migrate: does not grant the app role its rights');
  if (conditionOn(c.services['db-roles'], 'postgres') !== 'service_healthy')
    problems.push('db-roles: does not wait for PostgreSQL');
  for (const name of ['migrate', 'temporal-schema'])
    if (conditionOn(c.services[name], 'db-roles') !== 'service_completed_successfully')
      problems.push(`${name}: does not wait for the roles`);
  return problems;
}

/**
 * The demo: the test identity provider and VARDMOTE_DEMO only in the demo file; the provider listens
 * on all addresses inside its container, publishes nothing, and is the issuer web, worker and migrate
 * trust there; the proxy serves it on IDP_SITE.
 */
export function demoProblems(base: ComposeFile, demo: ComposeFile): string[] {
  const problems: string[] = [];
  if (base.services.idp) problems.push('docker-compose.yml: runs the test identity provider');
  for (const [name, svc] of Object.entries(base.services))
    if ('VARDMOTE_DEMO' in envOf(svc)) problems.push(`docker-compose.yml: ${name} is a demo`);
  const idp = demo.services.idp;
  if (!idp) return [...problems, 'docker-compose.demo.yml: no idp'];
  const env = envOf(idp);
  if (env.TEST_IDP_HOST !== '0.0.0.0') problems.push('idp: does not listen beyond its own container');
  if (!/^https:\/\/\$\{IDP_SITE[:?}]/.test(env.TEST_IDP_ISSUER ?? ''))
    problems.push('idp: its issuer is not https://IDP_SITE');
  if (idp.ports?.length) problems.push('idp: publishes a port');
  if (networksOf(idp).includes('backend')) problems.push('idp: is on backend');
  for (const name of ['web', 'worker', 'migrate']) {
    const e = envOf(demo.services[name]);
    if (e.VARDMOTE_DEMO !== 'true') problems.push(`${name}: not a demo in docker-compose.demo.yml`);
    for (const k of ['OIDC_PATIENT_ISSUER', 'OIDC_STAFF_ISSUER', 'API_TOKEN_ISSUER'])
      if (e[k] !== env.TEST_IDP_ISSUER) problems.push(`${name}: ${k} is not the test provider`);
  }
  const proxy = demo.services.proxy;
  if (envOf(proxy).IDP_UPSTREAM !== 'idp:3100') problems.push('proxy: does not forward IDP_SITE to idp:3100');
  if (!(proxy?.volumes ?? []).some((v) => v.startsWith('./deploy/caddy/demo.d/idp.caddy:')))
    problems.push("proxy: does not load the provider's site");
  return problems;
}
