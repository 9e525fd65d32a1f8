/**
 * GET /healthz: liveness (the process answers). GET /readyz: readiness, each dependency as ok/down;
 * 200 only when every required one is ok, so a load balancer sends no traffic before. Anonymous
 * callers get the statuses only; operations (sysadmin, care admin, a `metrics` token) also latency,
 * versions and errors. All callers share one probe run at most a few seconds old.
 */
import type { Request } from 'express';
import { permits, type Grantee } from './http/access';
import { anyone } from './http/guards';
import { get, type RouteDef } from './http/route';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { databaseVersion, type Orm } from '../db/orm';
import { janusInfo } from '../media/janus-probe';
import type { HealthProbe } from './deps';

export interface ProbeResult {
  status: 'ok' | 'down';
  required: boolean;
  latencyMs: number;
  detail?: string;
  error?: string;
}

const PROBE_TIMEOUT_MS = 3000;
/** How long one probe run answers every /readyz: a burst of calls costs one run, not one each. */
export const READY_FRESH_MS = 2000;
/** Who sees versions, latency and error text (the back office's *Driftstatus*, Prometheus). */
const DETAIL_FOR: Grantee[] = ['sysadmin', 'care_admin', 'scope:metrics'];

type ProbeRun = { ok: boolean; checks: Record<string, ProbeResult>; checkedAt: Date };

/** The standard probes: PostgreSQL, Temporal, Janus (required unless JANUS_REQUIRED=false). */
export function standardProbes(orm: Orm, temporal: Client, config: Config): HealthProbe[] {
  return [
    {
      name: 'postgres',
      required: true,
      check: async () => {
        return (await databaseVersion(orm)).split(' ').slice(0, 2).join(' ');
      },
    },
    {
      name: 'temporal',
      required: true,
      check: async () => {
        const info = await temporal.workflowService.getSystemInfo({});
        return `server ${info.serverVersion ?? '?'}, namespace ${config.temporal.namespace}`;
      },
    },
    {
      name: 'janus',
      required: config.janus.required,
      check: async () => {
        const info = await janusInfo(config.janus.wsUrl, PROBE_TIMEOUT_MS);
        return `${info.name} ${info.version}`;
      },
    },
  ];
}

export async function runProbes(probes: HealthProbe[]): Promise<{ ok: boolean; checks: Record<string, ProbeResult> }> {
  const results = await Promise.all(
    probes.map(async (p): Promise<[string, ProbeResult]> => {
      const t = performance.now();
      try {
        const detail = await withTimeout(p.check(), PROBE_TIMEOUT_MS);
        return [
          p.name,
          {
            status: 'ok',
            required: p.required,
            latencyMs: round(performance.now() - t),
            ...(detail ? { detail } : {}),
          },
        ];
      } catch (e) {
        return [
          p.name,
          {
            status: 'down',
            required: p.required,
            latencyMs: round(performance.now() - t),
            error: e instanceof Error ? e.message : String(e),
          },
        ];
      }
    }),
  );
  const checks = Object.fromEntries(results);
  return { ok: results.every(([, r]) => r.status === 'ok' || !r.required), checks };
}

/**
 * One shared probe run: callers within `freshMs` of the last run get its result, and callers while
 * a run is under way wait for that run instead of starting their own.
 * @param probes - the dependencies to check
 * @param freshMs - how old a result may be
 */
export function sharedProbeRun(probes: HealthProbe[], freshMs = READY_FRESH_MS): () => Promise<ProbeRun> {
  let last: { at: number; run: ProbeRun } | null = null;
  let running: Promise<ProbeRun> | null = null;
  return () => {
    if (last && performance.now() - last.at < freshMs) return Promise.resolve(last.run);
    running ??= runProbes(probes)
      .then((r) => {
        const run = { ...r, checkedAt: new Date() };
        last = { at: performance.now(), run };
        return run;
      })
      .finally(() => (running = null));
    return running;
  };
}

export function healthRoutes(probes: HealthProbe[]): RouteDef[] {
  const probe = sharedProbeRun(probes);
  const detailed = (req: Request) => req.principal !== undefined && permits(req.principal, DETAIL_FOR);
  // Open to load balancers and monitoring; anonymous callers learn only ok/down per part.
  return [
    get('/healthz', anyone, (_req, res) => void res.json({ status: 'ok' })),
    get('/readyz', anyone, async (req, res) => {
      const { ok, checks, checkedAt } = await probe();
      const status = ok ? 'ok' : 'down';
      res.status(ok ? 200 : 503).set('cache-control', 'no-store');
      if (detailed(req)) return void res.json({ status, checkedAt: checkedAt.toISOString(), checks });
      res.json({ status, checks: Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, c.status])) });
    }),
  ];
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
