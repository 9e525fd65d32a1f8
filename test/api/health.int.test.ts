/** GET /readyz (readiness) and /healthz (liveness) on the real services. */
import request from 'supertest';
import { connect, TestContext } from '../support/env';
import { testApp } from '../support/app';
import { standardProbes } from '../../api/health';
import { loadConfig } from '../../config';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await connect();
});
afterAll(() => ctx?.close());

it('reports postgres, temporal and janus as ok with latency, HTTP 200', async () => {
  const janusRunning = Boolean(process.env.JANUS_WS_URL) && process.env.JANUS_REQUIRED !== 'false';
  const res = await request(testApp(ctx)).get('/readyz');
  expect(res.body.checks.postgres).toMatchObject({ status: 'ok', required: true, latencyMs: expect.any(Number) });
  expect(res.body.checks.temporal).toMatchObject({ status: 'ok', required: true });
  if (janusRunning)
    expect(res.body.checks.janus).toMatchObject({ status: 'ok', detail: expect.stringMatching(/Janus/) });
  expect(res.status).toBe(200);
});

it('answers 503 when a required dependency is down, naming it', async () => {
  const broken = loadConfig({ ...process.env, JANUS_WS_URL: 'ws://127.0.0.1:9', JANUS_REQUIRED: 'true' });
  const res = await request(testApp(ctx, standardProbes(ctx.orm, ctx.client, broken)))
    .get('/readyz')
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
  expect(res.body.checks.janus.status).toBe('down');
});

it('/healthz answers 200 while a required dependency is down: the process lives, it is only not ready', async () => {
  const broken = loadConfig({ ...process.env, JANUS_WS_URL: 'ws://127.0.0.1:9', JANUS_REQUIRED: 'true' });
  const app = testApp(ctx, standardProbes(ctx.orm, ctx.client, broken));
  await request(app).get('/readyz').expect(503);
  expect((await request(app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
});
