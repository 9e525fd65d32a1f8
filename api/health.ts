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
import { temporal as proto } from '@temporalio/proto';
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
const { NamespaceState } = proto.api.enums.v1;
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
      // The namespace, not only the server: without it the worker cannot start and no workflow would run.
      check: async () => {
        const namespace = config.temporal.namespace;
        const [info, described] = await Promise.all([
          temporal.workflowService.getSystemInfo({}),
          temporal.workflowService.describeNamespace({ namespace }).catch((err: Error) => {
            throw new Error(`namespace ${namespace}: ${err.message}`);
          }),
        ]);
        const state = described.namespaceInfo?.state ?? NamespaceState.NAMESPACE_STATE_UNSPECIFIED;
        const stateName = (NamespaceState[state] ?? String(state)).replace('NAMESPACE_STATE_', '').toLowerCase();
        // A deprecated or deleted namespace takes no new workflows.
        if (state !== NamespaceState.NAMESPACE_STATE_REGISTERED)
          throw new Error(`namespace ${namespace} is ${stateName}`);
        return `server ${info.serverVersion ?? '?'}, namespace ${namespace} (${stateName})`;
      },
    },
    {
      name: 'janus',
      required: config.janus.required,
      // Every configured Janus: a room may be on any of them.
      check: async () => {
        const infos = await Promise.all(config.janus.servers.map((s) => janusInfo(s.wsUrl, PROBE_TIMEOUT_MS)));
        return [...new Set(infos.map((info) => `${info.name} ${info.version}`))].join(', ');
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
