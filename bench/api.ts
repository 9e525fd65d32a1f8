/**
 * The authenticated JSON API under concurrent load (autocannon, in this process): create an
 * encounter, read one encounter's state, the list; each against two floors measured in the same run:
 * bare Express (one route, no middleware, its own server) and the app's bare route (no work, behind
 * the app's whole chain: request id, helmet, session, bearer token, rate limit, access rule).
 * Run: npm run bench:api. BENCH_SECONDS (default 10) per case, BENCH_CONNECTIONS (default 10).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import autocannon from 'autocannon';
import express from 'express';
import { Session } from 'node:inspector/promises';
import { summarize } from './profile-summary';
import pino from 'pino';
import { roles } from '../api/http/guards';
import { get } from '../api/http/route';
import { createApp } from '../api/app';
import { FAST_POLICY, startEncounter } from '../testkit/drive';
import { connect } from '../testkit/env';
import { makeFixture } from '../testkit/fixtures';
import { machineToken } from '../testkit/login';
import { startTestWorker } from '../testkit/worker';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** Set: every case runs under the CPU profiler, and where its time went is printed (a path ending in .cpuprofile: kept there too, as <path>-<case>.cpuprofile). */
const PROFILE = process.env.BENCH_PROFILE ?? '';
/** Besides the two floors, only the cases whose name contains this ("none": the floors alone, to profile the chain). */
const ONLY = process.env.BENCH_ONLY;

/** A process's CPU seconds (user + system) with its children's: PostgreSQL's are its backends. */
function cpuSeconds(commandContains: string): number {
  const procs = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return [{ pid: Number(pid), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / 100, cmd }];
      } catch {
        return []; // ended meanwhile
      }
    });
  const root = procs.find((p) => p.cmd.includes(commandContains));
  if (!root) return NaN;
  const tree = new Set([root.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return procs.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.cpu, 0);
}

/** Where a case's CPU went: this process (web, autocannon and the worker), the Temporal server, PostgreSQL. */
function cpuMeter() {
  const temporal = `--port ${new URL(`http://${process.env.TEMPORAL_ADDRESS}`).port} `;
  const postgres = `-p ${new URL(process.env.DATABASE_URL!).port} `;
  const read = () => ({
    self: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    temporal: cpuSeconds(temporal),
    postgres: cpuSeconds(postgres),
  });
  const start = read();
  return (requests: number) => {
    const end = read();
    const ms = (k: keyof typeof start) => (((end[k] - start[k]) * 1000) / requests).toFixed(2);
    return `CPU ms per request: this process ${ms('self')}, Temporal ${ms('temporal')}, PostgreSQL ${ms('postgres')}`;
  };
}

async function main(): Promise<void> {
  const ctx = await connect({ RATE_LIMIT_API_PER_MINUTE: '10000000' });
  const worker = await startTestWorker(ctx);
  const f = await makeFixture(ctx.orm);
  // The floor: the same middleware chain (request id, helmet, session, token, rate limit, access rule) and no work.
  const baseline = [get('/api/bench/bare', roles('scope:encounters:read'), (_req, res) => void res.json({ ok: true }))];
  const app = createApp({
    config: ctx.config,
    orm: ctx.orm,
    temporal: ctx.client,
    logger: pino({ level: 'silent' }),
    probes: [],
    rooms: worker.rooms,
    extraRoutes: baseline,
  });
  const listen = async (handler: express.Express): Promise<[Server, string]> => {
    const server = handler.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
  };
  const [server, base] = await listen(app);
  const plain = express();
  plain.get('/bare', (_req, res) => void res.json({ ok: true }));
  const [plainServer, plainBase] = await listen(plain);
  const token = await machineToken('encounters:read encounters:write');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  process.stdout.write(`bench:api — ${CONNECTIONS} connections, ${SECONDS} s per case, seeding 50 encounters…\n`);
  const ids: string[] = [];
  for (let i = 0; i < 50; i++) ids.push((await startEncounter(ctx, f, f.adultId)).id);

  let k = 0;
  const cases: Array<[string, autocannon.Options['requests'] | undefined, string]> = [
    ['bare Express (no middleware)', undefined, `${plainBase}/bare`],
    ["the app's bare route (its middleware chain)", undefined, '/api/bench/bare'],
    ['GET /api/encounters (first page)', undefined, '/api/encounters?pageSize=50'],
    [
      "GET /api/encounters/:id (one encounter's state)",
      [{ setupRequest: (req) => ({ ...req, path: `/api/encounters/${ids[k++ % ids.length]}` }) }],
      '/api/encounters/x',
    ],
    [
      'POST /api/encounters (create)',
      [
        {
          method: 'POST',
          body: JSON.stringify({ patientId: f.adultId, careUnitId: f.unitId, policy: FAST_POLICY }),
        },
      ],
      '/api/encounters',
    ],
  ];
  const rows: Array<{ name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number }> = [];
  for (const [i, [name, requests, path]] of cases.entries()) {
    if (ONLY && i >= 2 && !name.includes(ONLY)) continue;
    const profiler = PROFILE ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      // A sample every 100 µs (the default is 1 ms): a request of the chain takes about that long.
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
    }
    const cpu = cpuMeter();
    const r = await autocannon({
      url: path.startsWith('http') ? path : `${base}${path}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: auth,
      requests,
    });
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      if (PROFILE.endsWith('.cpuprofile'))
        fs.writeFileSync(PROFILE.replace(/(\.cpuprofile)$/, `-${i}$1`), JSON.stringify(profile));
      process.stdout.write(`  where the time of "${name}" went (CPU profile of this process):\n`);
      process.stdout.write(summarize(profile, 12).replace(/^/gm, '  '));
    }
    rows.push({
      name,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors,
      non2xx: r.non2xx,
    });
    process.stdout.write(
      `  ${name.padEnd(48)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  (${r.non2xx} non-2xx)\n` +
        `  ${''.padEnd(48)} ${cpu(r.requests.total)}\n`,
    );
  }
  const [express0, bare] = rows;
  process.stdout.write(`\n  ${'requests/s as a ratio to'.padEnd(48)} bare Express   the app's bare route\n`);
  for (const row of rows.slice(1))
    process.stdout.write(
      `  ${row.name.padEnd(48)} ${(row.rps / express0.rps).toFixed(3).padStart(12)}   ${(row.rps / bare.rps).toFixed(3).padStart(20)}\n`,
    );
  if (rows.some((r) => r.errors || r.non2xx))
    process.stdout.write('\nWARNING: some requests failed (see non-2xx above)\n');

  server.close();
  plainServer.close();
  await app.close();
  await worker.stop();
  await ctx.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
