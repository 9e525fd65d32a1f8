/**
 * Polls are no activity: a staff tab left open keeps polling its encounter's live state, and is
 * logged out at the idle limit all the same (a 3-second limit here), while someone who keeps using
 * the page stays logged in.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '../../api/app';
import { POLL_HEADER } from '../../api/auth';
import { testApp } from '../../testkit/app';
import { connect, TestContext } from '../../testkit/env';
import { startEncounter } from '../../testkit/drive';
import { FixtureWith, makeFixture } from '../../testkit/fixtures';
import { login, LoggedIn } from '../../testkit/login';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(60_000);

// Long enough that a loaded CI machine's delays (a second or more per request) cannot pass for idleness.
const IDLE_MS = 6000;
let ctx: TestContext;
let worker: TestWorker;
let app: App;
let f: FixtureWith<'staff'>;
let live: string;

beforeAll(async () => {
  ctx = await connect({ STAFF_SESSION_IDLE_MINUTES: String(IDLE_MS / 60_000) });
  worker = await startTestWorker(ctx);
  app = testApp(ctx, undefined, worker.rooms);
  f = await makeFixture(ctx.orm, { with: ['staff'] });
  live = `/admin/encounters/${(await startEncounter(ctx, f, f.adultId)).id}/live`;
});
afterAll(async () => {
  await app?.close();
  await worker?.stop();
  await ctx?.close();
});

/** `live` as the page's script asks for it (or, without `poll`, as a person's own request would). */
async function liveStatus(staff: LoggedIn, poll: boolean): Promise<'answered' | 'to-login' | number> {
  const req = staff.get(live).set('accept', 'application/json');
  const res = await (poll ? req.set(POLL_HEADER, '1') : req);
  if (res.status === 200) return 'answered';
  // An anonymous caller of a back-office path is sent to the login.
  if (res.status === 302 && String(res.headers.location).startsWith('/login')) return 'to-login';
  return res.status;
}

/** Requests `live` every 500 ms for `ms`; the outcome of each with the time since the start. */
async function keepRequesting(staff: LoggedIn, ms: number, poll: boolean) {
  const start = Date.now();
  const seen: Array<{ at: number; outcome: Awaited<ReturnType<typeof liveStatus>> }> = [];
  while (Date.now() - start < ms) {
    const outcome = await liveStatus(staff, poll);
    seen.push({ at: Date.now() - start, outcome });
    await sleep(500);
  }
  return seen;
}

it('a session that only polls is logged out once the idle limit has passed', async () => {
  const staff = await login(app, { hsaId: f.staff.clinician });
  const seen = await keepRequesting(staff, IDLE_MS + 3000, true);
  // Answered while the limit has not passed, refused after it, and never answered again.
  const before = seen.filter((s) => s.at < IDLE_MS - 2500);
  const after = seen.filter((s) => s.at > IDLE_MS + 1500);
  expect(before.length).toBeGreaterThan(2);
  expect(after.length).toBeGreaterThan(1);
  expect(before.every((s) => s.outcome === 'answered')).toBe(true);
  const firstRefused = seen.findIndex((s) => s.outcome !== 'answered');
  expect(seen.slice(firstRefused).every((s) => s.outcome === 'to-login')).toBe(true);
  expect(after.every((s) => s.outcome === 'to-login')).toBe(true);
  await staff.get('/api/me').expect(401);
  // The session row is gone, not merely unused.
  const rows = await ctx.orm.em
    .fork()
    .execute<Array<{ n: string }>>("select count(*) as n from http_session where sess->'login'->>'hsaId' = ?", [
      f.staff.clinician,
    ]);
  expect(Number(rows[0].n)).toBe(0);
});

it('the same requests without the poll header count as activity and keep the session', async () => {
  const staff = await login(app, { hsaId: f.staff.careAdmin });
  const seen = await keepRequesting(staff, IDLE_MS + 2000, false);
  expect(seen.every((s) => s.outcome === 'answered')).toBe(true);
  await staff.get('/api/me').expect(200);
});

it('a poll after some activity is still answered: the idle limit counts from the last real request', async () => {
  const staff = await login(app, { hsaId: f.staff.qualityLead });
  await sleep(IDLE_MS / 2);
  await staff.get('/api/me').expect(200);
  await sleep(IDLE_MS / 2);
  expect(await liveStatus(staff, true)).toBe('answered');
  await sleep(IDLE_MS / 2 + 1500);
  expect(await liveStatus(staff, true)).toBe('to-login');
});
