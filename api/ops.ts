/**
 * What operations see of the web process: one JSON log line per request (request id, route template,
 * status, time, encounter and workflow id; never a query string, body or personnummer), HTTP latency
 * and the business gauges on /metrics.
 */
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { WebMetrics } from '../observability/metrics';
import { roles } from './http/guards';
import { get, type RouteDef } from './http/route';

/** Logs each request once it is answered and times it for /metrics. */
export function requestLog(metrics: WebMetrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route's template (`/api/encounters/:id`), never the concrete path: meeting links carry secrets.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const encounterId = encounterIdOf(req);
      // The app's logger with the request's id, as req.log would have it, without making a child per request.
      logger.info(
        {
          req: req.id,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
          ...(encounterId ? { encounterId, workflowId: `encounter-${encounterId}` } : {}),
        },
        'request',
      );
    });
    next();
  };
}

function encounterIdOf(req: Request): string | undefined {
  const id = (req.params as Record<string, string | undefined> | undefined)?.id;
  return id && req.route && /encounters\/:id/.test(String(req.route.path)) ? id : undefined;
}

export function metricsRoutes(metrics: WebMetrics): RouteDef[] {
  // Counts only, no patient data; Prometheus scrapes with a client-credentials token (scope `metrics`).
  return [
    get('/metrics', roles('sysadmin', 'scope:metrics'), async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    }),
  ];
}
