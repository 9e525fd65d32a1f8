/** GET /readyz (readiness) and /healthz (liveness) on the real services. */
import request from 'supertest';
import { connect, TestContext } from '../../testkit/env';
import { testApp } from '../../testkit/app';
import { machineToken } from '../../testkit/login';
import { READY_FRESH_MS, standardProbes } from '../../api/health';
import type { HealthProbe } from '../../api/deps';
import { loadConfig } from '../../config';

let ctx: TestContext;
let bearer: string;
beforeAll(async () => {
  ctx = await connect();
  bearer = `Bearer ${await machineToken('metrics')}`;
});
afterAll(() => ctx?.close());

const janusRunning = () => Boolean(process.env.JANUS_WS_URL) && process.env.JANUS_REQUIRED !== 'false';

/** The standard probes, each counting how often it runs. */
function counted(probes: HealthProbe[]): { probes: HealthProbe[]; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return {
    calls,
    probes: probes.map((p) => ({
      ...p,
      check: () => ((calls[p.name] = (calls[p.name] ?? 0) + 1), p.check()),
    })),
  };
}

it('reports postgres, temporal and janus as ok with latency to a metrics token, HTTP 200', async () => {
  const res = await request(testApp(ctx)).get('/readyz').set('authorization', bearer);
  expect(res.body.checks.postgres).toMatchObject({ status: 'ok', required: true, latencyMs: expect.any(Number) });
  expect(res.body.checks.temporal).toMatchObject({ status: 'ok', required: true });
  if (janusRunning())
    expect(res.body.checks.janus).toMatchObject({ status: 'ok', detail: expect.stringMatching(/Janus/) });
  expect(res.status).toBe(200);
});

it('tells an anonymous caller only ok/down per part: no versions, latencies or error text', async () => {
  const broken = loadConfig({ ...process.env, JANUS_WS_URL: 'ws://127.0.0.1:9', JANUS_REQUIRED: 'true' });
  const up = await request(testApp(ctx)).get('/readyz').expect(200);
  expect(up.body).toEqual({
    status: 'ok',
    checks: { postgres: 'ok', temporal: 'ok', janus: janusRunning() ? 'ok' : expect.stringMatching(/^(ok|down)$/) },
  });
  const down = await request(testApp(ctx, standardProbes(ctx.orm, ctx.client, broken)))
    .get('/readyz')
    .expect(503);
  expect(down.body).toEqual({ status: 'down', checks: { postgres: 'ok', temporal: 'ok', janus: 'down' } });
  expect(JSON.stringify([up.body, down.body])).not.toMatch(/PostgreSQL|server|Janus|ECONNREFUSED|latency|\d+\.\d/);
});

it('answers 50 concurrent anonymous calls from one probe run', async () => {
  const { probes, calls } = counted(standardProbes(ctx.orm, ctx.client, ctx.config));
  const app = testApp(ctx, probes);
  const answers = await Promise.all(Array.from({ length: 50 }, () => request(app).get('/readyz')));
  expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
  expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).toBe(1);
  for (const name of ['postgres', 'temporal', 'janus']) expect(calls[name]).toBeLessThanOrEqual(2);
  expect(calls.postgres).toBeGreaterThanOrEqual(1);
  // The result is at most a few seconds old: after READY_FRESH_MS the next call probes again.
  const before = calls.postgres;
  await new Promise((r) => setTimeout(r, READY_FRESH_MS + 100));
  await request(app).get('/readyz').expect(200);
  expect(calls.postgres).toBe(before + 1);
});

it('answers 503 when a required dependency is down, naming it', async () => {
  const broken = loadConfig({ ...process.env, JANUS_WS_URL: 'ws://127.0.0.1:9', JANUS_REQUIRED: 'true' });
  const res = await request(testApp(ctx, standardProbes(ctx.orm, ctx.client, broken)))
    .get('/readyz')
    .set('authorization', bearer)
    .expect(503);
  expect(res.body.status).toBe('down');
  expect(res.body.checks.janus).toMatchObject({ status: 'down', required: true, error: expect.any(String) });
  expect(res.body.checks.postgres.status).toBe('ok');
});

it('stays 200 when only an optional dependency is down', async () => {
  const optional = loadConfig({ ...process.env, JANUS_WS_URL: 'ws://127.0.0.1:9', JANUS_REQUIRED: 'false' });
  const res = await request(testApp(ctx, standardProbes(ctx.orm, ctx.client, optional)))
    .get('/readyz')
    .expect(200);
  expect(res.body.checks.janus).toBe('down');
});

it('/healthz answers 200 while a required dependency is down: the process lives, it is only not ready', async () => {
  const broken = loadConfig({ ...process.env, JANUS_WS_URL: 'ws://127.0.0.1:9', JANUS_REQUIRED: 'true' });
  const app = testApp(ctx, standardProbes(ctx.orm, ctx.client, broken));
  await request(app).get('/readyz').expect(503);
  expect((await request(app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
});

it('answers 503 with temporal down when the namespace does not exist (the worker could not start), naming it', async () => {
  const missing = `vardmote-missing-${Date.now()}`;
  const config = loadConfig({ ...process.env, TEMPORAL_NAMESPACE: missing });
  const res = await request(testApp(ctx, standardProbes(ctx.orm, ctx.client, config)))
    .get('/readyz')
    .set('authorization', bearer)
    .expect(503);
  expect(res.body.status).toBe('down');
  expect(res.body.checks.temporal).toMatchObject({ status: 'down', required: true });
  expect(res.body.checks.temporal.error).toContain(`namespace ${missing}`);
  expect(res.body.checks.postgres.status).toBe('ok');
  // The namespace that exists is named in the detail.
  const up = await request(testApp(ctx)).get('/readyz').set('authorization', bearer).expect(200);
  expect(up.body.checks.temporal.detail).toMatch(
    new RegExp(`^server \\S+, namespace ${ctx.config.temporal.namespace} \\(registered\\)$`),
  );
});
