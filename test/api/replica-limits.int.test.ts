/**
 * Replicas that agree (issue 31): the rate-limit counters live in PostgreSQL, so two web processes on
 * one database allow a limit once, not twice; a window ends and counts afresh; and with the counters
 * unreachable the limiters let requests through (fail open) and say so in the log, once.
 */
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import type { Options } from 'express-rate-limit';
import { createApp } from '../../api/app';
import type { Config } from '../../config';
import { BATCH_MS, createRateCounters, EXACT_FROM } from '../../db/rate-limits';
import { connect, TestContext } from '../../testkit/env';
import { waitFor } from '../../testkit/wait';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await connect();
});
afterAll(() => ctx?.close());

const limited = (limit: number): Config['rateLimits'] => ({
  loginPerMinute: limit,
  apiPerMinute: limit,
  pagePerMinute: limit,
  anonymousPerMinute: limit,
  sinkPerMinute: limit,
});

/** A web replica: its own app, pools and limiters, on the test database. */
const replica = (opts: { scope: string; limit: number; config?: Partial<Config>; logger?: pino.Logger }) =>
  createApp({
    config: { ...ctx.config, ...opts.config, rateLimits: limited(opts.limit) },
    orm: ctx.orm,
    temporal: ctx.client,
    logger: opts.logger ?? pino({ level: 'silent' }),
    probes: [],
    rateLimitScope: opts.scope,
  });

it('two replicas on one database share one limit: 3 requests through each, the 6th is refused', async () => {
  const scope = `replicas-${randomUUID()}`;
  const [a, b] = [replica({ scope, limit: 5 }), replica({ scope, limit: 5 })];
  const other = replica({ scope: `other-${randomUUID()}`, limit: 5 });
  try {
    const statuses: number[] = [];
    for (const app of [a, a, a, b, b, b]) statuses.push((await request(app).get('/login')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Through either replica now, and announced the same way by both.
    const refused = await request(a).get('/login').expect(429);
    expect(refused.headers.ratelimit).toMatch(/r=0/);
    // Another scope (another deployment's or test's counters) has counted nothing.
    await request(other).get('/login').expect(200);
  } finally {
    await Promise.all([a.close(), b.close(), other.close()]);
  }
});

it('a window ends and counts afresh; ended windows are swept; the table holds no caller in the clear', async () => {
  const scope = `window-${randomUUID()}`;
  const opts = { databaseUrl: ctx.config.databaseUrl, secret: ctx.config.session.secret, scope };
  // Two processes' counters for the same route class, with a short window.
  const [one, two] = [createRateCounters(opts), createRateCounters(opts)];
  try {
    const [s1, s2] = [one.store('login'), two.store('login')];
    for (const s of [s1, s2]) void s.init!({ windowMs: 700 } as Options);
    const key = 'ip:127.0.0.1';
    expect((await s1.increment(key)).totalHits).toBe(1);
    expect((await s2.increment(key)).totalHits).toBe(2);
    const third = await s1.increment(key);
    expect(third.totalHits).toBe(3);
    expect(third.resetTime!.getTime()).toBeGreaterThan(Date.now());
    expect(await s2.get!(key)).toEqual({ totalHits: 3, resetTime: third.resetTime });
    // Another route class is another counter.
    expect((await one.store('api').increment(key)).totalHits).toBe(1);

    await new Promise((r) => setTimeout(r, 900));
    expect(await s2.get!(key)).toBeUndefined();
    expect(await one.sweep()).toBeGreaterThanOrEqual(1);
    const fresh = await s2.increment(key);
    expect(fresh.totalHits).toBe(1);
    expect(fresh.resetTime!.getTime()).toBeGreaterThan(third.resetTime!.getTime());

    await s1.resetKey(key);
    expect(await s2.get!(key)).toBeUndefined();
    const [{ n }] = await ctx.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ n: string }>>(
        "select count(*) as n from rate_limit_counter where key like '%127.0.0.1%' or key like '%login%'",
      );
    expect(Number(n)).toBe(0);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

it('far below its limit a key is written at most once a second; from a quarter of the limit on, every hit', async () => {
  const scope = `batch-${randomUUID()}`;
  const opts = { databaseUrl: ctx.config.databaseUrl, secret: ctx.config.session.secret, scope };
  const [one, two] = [createRateCounters(opts), createRateCounters(opts)];
  try {
    const [s1, s2] = [one.store('api'), two.store('api')];
    for (const s of [s1, s2]) void s.init!({ windowMs: 60_000, limit: 40 } as Options);
    const key = 'person:19121212-1212';
    // The first hit is written; the next ones, far below 40, are counted in the process.
    for (let i = 1; i <= 5; i++) expect((await s1.increment(key)).totalHits).toBe(i);
    expect((await s2.get!(key))?.totalHits).toBe(1);
    // Within BATCH_MS the rest reach the database, where the other replica counts on from them.
    await waitFor(async () => (await s2.get!(key))?.totalHits === 5, 'the batched hits written', 3 * BATCH_MS);
    expect((await s2.increment(key)).totalHits).toBe(6);
    // A limit of 8: from its second hit a key is past a quarter of it, so every hit is written at once
    // and each replica counts on from the other's.
    const [l1, l2] = [one.store('login'), two.store('login')];
    for (const s of [l1, l2]) void s.init!({ windowMs: 60_000, limit: 8 } as Options);
    for (let i = 1; i <= 8; i++) expect((await (i % 2 ? l1 : l2).increment('ip:192.0.2.7')).totalHits).toBe(i);
    expect(EXACT_FROM * 8).toBe(2);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

it('with the counters unreachable the limiters fail open, and the log says so once', async () => {
  // A port nothing listens on: taken from the system, then released.
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
  });
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const app = replica({
    scope: `down-${randomUUID()}`,
    limit: 1,
    config: { databaseUrl: `postgres://nobody:nothing@127.0.0.1:${port}/none` },
    logger: pino({ level: 'warn' }, sink),
  });
  try {
    for (let i = 0; i < 3; i++) await request(app).get('/login').expect(200);
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe(50);
    expect(lines[0].msg).toMatch(/error from store, allowing request without rate-limiting/);
  } finally {
    await app.close();
  }
});
