/**
 * GET /healthz: liveness (the process answers). GET /readyz: readiness, each dependency as ok/down
 * with latency; 200 only when every required one is ok, so a load balancer sends no traffic before.
 */
import { Router } from 'express';
import { allow } from './http/access';
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

export function healthRouter(probes: HealthProbe[]): Router {
  const router = Router();
  // Open to load balancers and monitoring: it names parts and their state, never patient data.
  router.get('/healthz', allow('anyone'), (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', allow('anyone'), async (_req, res) => {
    const { ok, checks } = await runProbes(probes);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'down', checks });
  });
  return router;
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
