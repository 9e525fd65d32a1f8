/**
 * Bounded before anything is read (issue 22): an upload by the wrong role and an unauthenticated
 * Janus batch are refused without their bodies being consumed (counted in bytes on the server's
 * socket), and every route class has its own rate limit that answers 429.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import pino from 'pino';
import { CookieAccessInfo } from 'cookiejar';
import request from 'supertest';
import { createApp } from '../../api/app';
import { RATE_CLASSES } from '../../api/http/limits';
import { rateClassOf } from '../../api/http/route';
import { routeTable } from '../../api/http/access';
import { connect, TestContext } from '../../testkit/env';
import { makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await connect();
});
afterAll(() => ctx?.close());

const appWith = (limit: number) =>
  createApp({
    config: {
      ...ctx.config,
      rateLimits: {
        loginPerMinute: limit,
        apiPerMinute: limit,
        pagePerMinute: limit,
        anonymousPerMinute: limit,
        sinkPerMinute: limit,
      },
    },
    orm: ctx.orm,
    temporal: ctx.client,
    logger: pino({ level: 'silent' }),
    probes: [],
    // Counters of its own: the earlier tests' requests count nothing against this app's limit.
    rateLimitScope: `limits-${randomUUID()}`,
  });

/** Serves the app on loopback and answers how many bytes its sockets read in all. */
async function serve(app: http.RequestListener) {
  const sockets: Socket[] = [];
  const server = http.createServer(app);
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    bytesRead: () => sockets.reduce((n, s) => n + s.bytesRead, 0),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** Streams `total` bytes of body in 64 kB chunks until the server answers (or closes); the status. */
function stream(port: number, path: string, headers: Record<string, string>, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { ...headers, 'content-length': String(total) },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

it('a clinician’s upload of many large fields is refused before the body is read', async () => {
  const f = await makeFixture(ctx.orm, { with: ['staff'] });
  const app = appWith(100_000);
  const clinician = await login(app, { hsaId: f.staff.clinician });
  // The session cookie from the agent's jar, for a request of our own that streams its body.
  const jar = (clinician.agent as unknown as { jar: { getCookies(a: unknown): Array<{ toValueString(): string }> } })
    .jar;
  const cookie = jar
    .getCookies(CookieAccessInfo.All)
    .map((c) => c.toValueString())
    .join('; ');
  const server = await serve(app);
  try {
    const size = 50 * 1024 * 1024;
    const status = await stream(
      server.port,
      `/admin/ekonomi/inlasningar?_csrf=${encodeURIComponent(clinician.csrf)}`,
      { cookie, 'content-type': 'multipart/form-data; boundary=x', accept: 'text/html' },
      size,
    );
    expect(status).toBe(403);
    // The headers and what sat in the socket's buffers, never the 50 MB.
    expect(server.bytesRead()).toBeLessThan(4 * 1024 * 1024);
  } finally {
    await server.close();
    await app.close();
  }
});

it('a 5 MB unauthenticated body to /janus/events is refused without being parsed', async () => {
  const app = appWith(100_000);
  const server = await serve(app);
  try {
    const status = await stream(server.port, '/janus/events', { 'content-type': 'application/json' }, 5 * 1024 * 1024);
    expect(status).toBe(401);
    expect(server.bytesRead()).toBeLessThan(2.5 * 1024 * 1024);
  } finally {
    await server.close();
    await app.close();
  }
});

it('every route class answers 429 past its limit', async () => {
  const app = appWith(3);
  try {
    const classes = new Set(routeTable(app).map((r) => r.method + ' ' + r.path));
    expect(classes.size).toBeGreaterThan(50);
    const probes: Record<(typeof RATE_CLASSES)[number], () => request.Test> = {
      login: () => request(app).get('/login/patient'),
      api: () => request(app).get('/api/care-units'),
      page: () => request(app).get('/admin').set('accept', 'text/html'),
      anonymous: () => request(app).get('/login'),
      sink: () => request(app).post('/janus/events').send([]),
    };
    for (const cls of RATE_CLASSES) {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await probes[cls]()).status);
      expect({ cls, last: statuses.at(-1) }).toEqual({ cls, last: 429 });
      expect(statuses.slice(0, 3)).not.toContain(429);
    }
    // The balancer's and orchestrator's probes are never counted nor refused, every class used up or not.
    for (let i = 0; i < 5; i++) {
      await request(app).get('/healthz').expect(200);
      await request(app).get('/readyz').expect(200);
    }
  } finally {
    await app.close();
  }
  expect(rateClassOf({ path: '/login', guard: { grantees: ['anyone'], scope: () => undefined } })).toBe('anonymous');
});
