/**
 * The encounter list at a region's scale: BENCH_ROWS encounters (default 1,000,000) seeded into the
 * test database, then p50/p95 of the list's first page, a filtered page (status and unit) and a deep
 * page (row 99,951 on, i.e. page 2,000 of 50, reached by its cursor), each as the ratio to a bare
 * `select 1` through the same HTTP stack (session, authorization, access log) in the same run.
 * Run: npm run bench:backoffice
 */
import pino from 'pino';
import { roles } from '../api/http/guards';
import { get } from '../api/http/route';
import { createApp } from '../api/app';
import { encodeCursor } from '../db/encounters';
import { connect } from '../testkit/env';
import { makeFixture } from '../testkit/fixtures';
import { login } from '../testkit/login';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 200);
const BATCH = 100_000;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function main(): Promise<void> {
  const ctx = await connect();
  const [a, b] = [await makeFixture(ctx.orm, { with: ['staff'] }), await makeFixture(ctx.orm, { with: ['staff'] })];
  const em = ctx.orm.em.fork();
  console.log(`bench:backoffice — seeding ${ROWS.toLocaleString('sv-SE')} encounters in two units`);
  const t0 = Date.now();
  for (let from = 0; from < ROWS; from += BATCH) {
    const to = Math.min(ROWS, from + BATCH);
    // Statuses spread like a running region; one encounter a minute going back in time.
    await em.execute(
      `insert into encounter (id, workflow_id, patient_id, care_unit_id, status, step, scheduled_start, created_at)
       select gen_random_uuid(), 'bench-' || g, ?, case when g % 2 = 0 then ?::uuid else ?::uuid end,
         (array['closed','closed','closed','closed','cancelled','no-show','booking','pre-meeting','referred-to-physical'])[g % 9 + 1],
         'closed', now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
       from generate_series(?::int, ?::int) g`,
      [a.adultId, a.unitId, b.unitId, from + 1, to],
    );
    process.stdout.write(
      `  seeded ${to.toLocaleString('sv-SE')} / ${ROWS.toLocaleString('sv-SE')} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
  }
  await em.execute('analyze encounter');

  const baseline = [
    get('/bench/select1', roles('care_admin'), async (req, res) => {
      await req.em.execute('select 1');
      res.json({ ok: true });
    }),
  ];
  const app = createApp({
    config: ctx.config,
    orm: ctx.orm,
    temporal: ctx.client,
    logger: pino({ level: 'silent' }),
    probes: [],
    extraRoutes: baseline,
  });
  // A region-wide care administrator (both units), as the list is most often used.
  await em.execute(
    `insert into staff_role (staff_id, role, care_unit_id) select id, 'care_admin', ? from staff where hsa_id = ?`,
    [b.unitId, a.staff.careAdmin],
  );
  const admin = await login(app, { hsaId: a.staff.careAdmin });
  const [deep] = await em.execute<Array<{ at: Date; id: string }>>(
    `select coalesce(scheduled_start, created_at) as at, id from encounter
     order by coalesce(scheduled_start, created_at) desc, id desc offset 99949 limit 1`,
  );
  const cases: Array<[string, string]> = [
    ['bare select 1', '/bench/select1'],
    ['first page', '/api/encounters?pageSize=50'],
    ['filtered page (status, unit)', `/api/encounters?pageSize=50&status=closed&careUnitId=${b.unitId}`],
    [
      'deep page (page 2,000 by cursor)',
      `/api/encounters?pageSize=50&page=2000&after=${encodeCursor(deep.at, deep.id)}`,
    ],
  ];
  const results: Record<string, { p50: number; p95: number }> = {};
  for (const [name, path] of cases) {
    for (let i = 0; i < 20; i++) await admin.get(path).expect(200); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const t = performance.now();
      const res = await admin.get(path);
      ms.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    }
    results[name] = { p50: pct(ms, 0.5), p95: pct(ms, 0.95) };
  }
  const base = results['bare select 1'];
  console.log(
    `\n${REPEAT} sequential requests each, in-process HTTP (supertest), ${ROWS.toLocaleString('sv-SE')} encounters:`,
  );
  for (const [name, r] of Object.entries(results))
    console.log(
      `  ${name.padEnd(34)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  ratio p50 ${(r.p50 / base.p50).toFixed(2)}`,
    );
  await app.close();
  await ctx.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
