/**
 * Fuzzing every route (fast-check): malformed path parameters, query strings, headers and bodies,
 * anonymous and logged in, never get a 5xx and never write a row. (Refused calls do add access-log
 * rows and logins session rows, by design; those two tables are not counted.)
 */
import fc from 'fast-check';
import request from 'supertest';
import { routeTable } from '../../api/http/access';
import { useApiStack } from '../support/app';
import { makeFixture } from '../../testkit/fixtures';
import { LoggedIn, login } from '../../testkit/login';

jest.setTimeout(300_000);
const stack = useApiStack();
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
let admin: LoggedIn;
let clinician: LoggedIn;

beforeAll(async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  admin = await login(stack.app, { hsaId: f.staff.careAdmin });
  clinician = await login(stack.app, { hsaId: f.staff.clinician });
});

/** Rows in every table except the access log and the sessions. */
async function businessRows(): Promise<number> {
  const counts = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ table_name: string }>>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('audit_log', 'http_session', 'mikro_orm_migrations', 'rate_limit_counter')`,
    );
  let total = 0;
  for (const { table_name } of counts) {
    const [{ n }] = await stack.ctx.orm.em
      .fork()
      .execute<Array<{ n: string }>>(`select count(*)::text as n from "${table_name}"`);
    total += Number(n);
  }
  return total;
}

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const segment = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom(
    '%E0%A4%A',
    '%',
    '%zz',
    '..',
    '%2F',
    '7a1c0a57-1111-4111-8111-111111111111',
    'x'.repeat(43),
    'patient',
    'staff',
  ),
);
const query = fc
  .array(
    fc.tuple(
      fc.oneof(printable, fc.constantFrom('from', 'to', 'page', 'pageSize', 'status', 'careUnitId', 'returnTo')),
      fc.oneof(printable, fc.constantFrom('%E0%A4%A', '0000-01-01T00:00:00Z', '-1', '1e309', '[]')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v.includes('%') ? v : encodeURIComponent(v)}`).join('&'),
  );
const headers = fc.record(
  {
    'content-type': fc.oneof(
      printable,
      fc.constantFrom(
        'application/json',
        'application/json; charset=latin1',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
      ),
    ),
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
    authorization: fc.oneof(
      printable,
      printable.map((s) => `Bearer ${s}`),
      printable.map((s) => `Basic ${s}`),
    ),
    'x-meeting-key': printable,
    'x-csrf-token': printable,
    accept: fc.constantFrom('text/html', 'application/json', '*/*', 'x/y'),
    cookie: printable,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

const routes = () => routeTable(stack.app).filter((r) => !(r.method === 'POST' && r.path === '/logout'));

it.each([['anonymous'], ['care administrator'], ['clinician']])('no 5xx and no rows, as %s', async (who) => {
  const before = await businessRows();
  const failures: string[] = [];
  for (const route of routes()) {
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(segment, { minLength: 3, maxLength: 3 }),
          query,
          headers,
          body,
          async (segs, q, h, b) => {
            let i = 0;
            const url = route.path.replace(/:[a-z]+/gi, () => segs[i++]) + (q ? `?${q}` : '');
            const m = route.method.toLowerCase() as 'get' | 'post' | 'delete';
            const session = who === 'anonymous' ? null : who === 'clinician' ? clinician : admin;
            let t = session ? session.agent[m](url) : request(stack.app)[m](url);
            // A logged-in caller's cookie must survive, so a fuzzed cookie header is for anonymous calls only.
            for (const [k, v] of Object.entries(h)) if (!(session && k === 'cookie')) t = t.set(k, v as string);
            if (session && !h['x-csrf-token']) t = t.set('x-csrf-token', session.csrf);
            const res = await (b === undefined || m === 'get' ? t : t.send(b));
            if (res.status >= 500)
              failures.push(
                `${route.method} ${url} ${JSON.stringify(h)} ${String(b).slice(0, 80)} → ${res.status} ${res.text.slice(0, 200)}`,
              );
            return res.status < 500;
          },
        ),
        { numRuns: RUNS },
      )
      .catch(() => undefined);
  }
  expect(failures).toEqual([]);
  expect(await businessRows()).toBe(before);
});
