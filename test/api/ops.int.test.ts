/** What operations see: request logs (request id, no personnummer), /metrics, and the Temporal UI's codec endpoint. */
import { Writable } from 'node:stream';
import request from 'supertest';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { App, createApp } from '../../api/app';
import { standardProbes } from '../../api/health';
import { recordDeviation } from '../../db/deviations';
import { createLogger } from '../../observability/logger';
import { DEV_PORTS } from '../../scripts/ports';
import { EncryptionCodec } from '../../temporal/codec';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture } from '../../testkit/fixtures';
import { startEncounter } from '../../testkit/drive';
import { login, machineToken } from '../../testkit/login';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(60_000);

let ctx: TestContext;
let worker: TestWorker;
let app: App;
let f: FixtureWith<'staff'>;
const lines: Array<Record<string, unknown>> = [];
const raw: string[] = [];

beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
  const sink = new Writable({
    write(chunk, _enc, done) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  app = createApp({
    config: ctx.config,
    orm: ctx.orm,
    temporal: ctx.client,
    logger: createLogger('web', 'info', sink),
    probes: standardProbes(ctx.orm, ctx.client, ctx.config),
    rooms: worker.rooms,
  });
  f = await makeFixture(ctx.orm, { with: ['staff'] });
});
afterAll(async () => {
  await app?.close();
  await worker?.stop();
  await ctx?.close();
});

it("an API request's log line carries its request id, route template, encounter and workflow id, and no personnummer", async () => {
  const { id } = await startEncounter(ctx, f, f.adultId);
  const staff = await login(app, { hsaId: f.staff.careAdmin });
  const one = await staff.get(`/api/encounters/${id}`).expect(200);
  const list = await staff.get(`/api/encounters?personnummer=${f.adultPnr}`).expect(200);
  const lineOf = (res: request.Response) => lines.find((l) => l.req === res.headers['x-request-id']);
  expect(lineOf(one)).toMatchObject({
    proc: 'web',
    msg: 'request',
    method: 'GET',
    route: '/api/encounters/:id',
    status: 200,
    encounterId: id,
    workflowId: `encounter-${id}`,
    ms: expect.any(Number),
  });
  expect(lineOf(list)).toMatchObject({ route: '/api/encounters', status: 200 });
  const all = raw.join('');
  expect(all).toContain(String(one.headers['x-request-id']));
  expect(all).not.toContain(f.adultPnr);
  expect(all).not.toContain(f.adultPnr.slice(2));
});

it('the logger drops patient fields and masks a personnummer inside a message', () => {
  const out: string[] = [];
  const log = createLogger('worker', 'info', { write: (s: string) => void out.push(s) });
  log.info({ personnummer: '198503142385', note: { text: 'Eksem.' }, encounterId: 'e1' }, 'checked 19850314-2385');
  expect(out.join('')).not.toMatch(/198503142385|19850314-2385|Eksem/);
  expect(JSON.parse(out[0])).toMatchObject({
    encounterId: 'e1',
    personnummer: '[dolt]',
    msg: 'checked [personnummer]',
  });
});

it('/metrics exposes HTTP latency, open deviations by category and invoices by status, to a metrics token only', async () => {
  await recordDeviation(ctx.orm.em.fork(), {
    encounterId: null,
    category: 'video-failure',
    severity: 'low',
    description: 'metrics test',
    dedupeKey: `metrics-test-${f.unitId}`,
  });
  await request(app).get('/readyz').expect(200);
  await request(app).get('/metrics').expect(401);
  const token = await machineToken('metrics');
  const res = await request(app).get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  expect(res.text).toMatch(/^vardmote_http_request_duration_seconds_bucket\{[^}]*route="\/readyz"[^}]*status="200"/m);
  expect(res.text).toMatch(/^vardmote_deviations_open\{category="video-failure"[^}]*\} [1-9]/m);
  expect(res.text).toMatch(/^# TYPE vardmote_invoices gauge$/m);
  expect(res.text).toMatch(/^vardmote_web_process_cpu_seconds_total/m);
  const clinician = await login(app, { hsaId: f.staff.clinician });
  await clinician.get('/metrics').expect(403);
});

describe('the codec endpoint for the Temporal UI', () => {
  const UI = `http://localhost:${DEV_PORTS.temporalUi}`; // config.ts's default TEMPORAL_UI_ORIGIN
  const wire = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  });

  it('decodes for a sysadmin from the UI origin (CORS with credentials) and logs the access', async () => {
    const [enc] = await new EncryptionCodec(ctx.config.payloadKeys).encode([
      defaultPayloadConverter.toPayload({ personnummer: f.adultPnr })!,
    ]);
    const admin = await login(app, { hsaId: f.staff.sysadmin });
    const pre = await request(app).options('/codec/decode').set('origin', UI).expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe(UI);
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    const res = await admin.agent
      .post('/codec/decode')
      .set('origin', UI)
      .send({ payloads: [wire(enc)] })
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    const data = Buffer.from(res.body.payloads[0].data, 'base64').toString();
    expect(JSON.parse(data)).toEqual({ personnummer: f.adultPnr });
    const [logged] = await ctx.orm.em
      .fork()
      .execute<Array<{ actor: string; outcome: string }>>(
        `select actor, outcome from audit_log where action = 'codec-decode' order by at desc limit 1`,
      );
    expect(logged).toEqual({ actor: expect.stringContaining(f.staff.sysadmin), outcome: 'ok' });
  });

  it('refuses other roles (403), other origins (403), and names an unknown key id (400)', async () => {
    const [enc] = await new EncryptionCodec([{ id: 'k-old', key: Buffer.alloc(32, 1) }]).encode([
      defaultPayloadConverter.toPayload('x')!,
    ]);
    const clinician = await login(app, { hsaId: f.staff.clinician });
    await clinician.agent.post('/codec/decode').set('origin', UI).send({ payloads: [] }).expect(403);
    const admin = await login(app, { hsaId: f.staff.sysadmin });
    const foreign = await admin.agent
      .post('/codec/decode')
      .set('origin', 'https://evil.example')
      .send({ payloads: [] })
      .expect(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const unknown = await admin.agent
      .post('/codec/decode')
      .set('origin', UI)
      .send({ payloads: [wire(enc)] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ field: 'payloads', message: expect.stringContaining('key id "k-old"') });
    const bad = await admin.agent.post('/codec/decode').send({ payloads: [{ data: '%%%' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('payloads');
  });
});
