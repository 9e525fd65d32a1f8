/** The worker's own HTTP endpoints: /metrics (bearer token when one is set) and /readyz, /healthz (state only). */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

export interface WorkerHttpOptions {
  /** The Prometheus text of our series and the SDK's. */
  metricsText(): Promise<string>;
  contentType: string;
  /** The Temporal worker's state; ready while 'RUNNING'. */
  state(): string;
  /** WORKER_METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`. */
  token?: string;
  /** Where a failure to collect the metrics is reported (the worker's log). */
  onError?(err: unknown): void;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares in constant time (over digests, so the lengths do not show either). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (\S+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]), digest(token));
}

/**
 * The worker's metrics server (not yet listening).
 * @param opts - where the metrics and the state come from, and the token
 */
export function createWorkerHttpServer(opts: WorkerHttpOptions): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (path === '/metrics') {
      if (opts.token && !bearerMatches(req.headers.authorization, opts.token))
        return void res
          .writeHead(401, { 'www-authenticate': 'Bearer realm="vardmote-worker"', 'content-type': 'text/plain' })
          .end('a bearer token is required\n');
      void opts.metricsText().then(
        (body) => res.writeHead(200, { 'content-type': opts.contentType }).end(body),
        // The reason goes to the worker's own log, not to whoever asked.
        (err) => (opts.onError?.(err), res.writeHead(500).end()),
      );
    } else if (path === '/readyz' || path === '/healthz') {
      // Open to health checks: the worker's state and nothing else.
      const state = opts.state();
      res
        .writeHead(state === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ state }));
    } else res.writeHead(404).end();
  });
}
