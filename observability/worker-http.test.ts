import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { loadConfig } from '../config';
import { createWorkerHttpServer, type WorkerHttpOptions } from './worker-http';

const TOKEN = 'worker-metrics-token-for-this-test';
let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** Starts the worker's server on a free loopback port and returns its base URL. */
async function serve(opts: Partial<WorkerHttpOptions> = {}): Promise<string> {
  const server = createWorkerHttpServer({
    metricsText: async () => 'vardmote_workflow_step_duration_seconds_count 3\n',
    contentType: 'text/plain; version=0.0.4',
    state: () => 'RUNNING',
    ...opts,
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('with a token, /metrics answers only that bearer token', async () => {
  const base = await serve({ token: TOKEN });
  expect((await fetch(`${base}/metrics`)).status).toBe(401);
  expect((await fetch(`${base}/metrics`)).headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  expect((await fetch(`${base}/metrics`, { headers: { authorization: TOKEN } })).status).toBe(401);
  expect((await fetch(`${base}/metrics?x=1`)).status).toBe(401);
  const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(ok.status).toBe(200);
  expect(await ok.text()).toContain('vardmote_workflow_step_duration_seconds_count 3');
});

it('/readyz and /healthz stay open to health checks and tell only the state', async () => {
  let state = 'RUNNING';
  const base = await serve({ token: TOKEN, state: () => state });
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ state: 'RUNNING' });
  state = 'STOPPING';
  expect((await fetch(`${base}/healthz`)).status).toBe(503);
});

it('a failure to collect the metrics is a bare 500, its reason reported to the log only', async () => {
  const errors: unknown[] = [];
  const base = await serve({
    metricsText: async () => Promise.reject(new Error('sdk exporter at 127.0.0.1:9465 refused')),
    onError: (e) => errors.push(e),
  });
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(500);
  expect(await res.text()).toBe('');
  expect(errors).toHaveLength(1);
});

it('without a token (loopback, the default) /metrics is open', async () => {
  const base = await serve();
  expect((await fetch(`${base}/metrics`)).status).toBe(200);
});

it("the worker's metrics listen on 127.0.0.1 unless told otherwise", () => {
  const config = loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db' });
  expect(config.workerMetricsHost).toBe('127.0.0.1');
  expect(config.workerMetricsToken).toBeUndefined();
  expect(
    loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', WORKER_METRICS_TOKEN: TOKEN }).workerMetricsToken,
  ).toBe(TOKEN);
});
