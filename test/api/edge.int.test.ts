/** Bad input at the edge gets a 4xx naming what was wrong, never a 5xx, and writes nothing. */
import request from 'supertest';
import { useApiStack } from '../support/app';
import { makeFixture } from '../../testkit/fixtures';
import { LoggedIn, login } from '../../testkit/login';

const stack = useApiStack();
let admin: LoggedIn;
let unitId: string;
const encounterCount = async () => stack.ctx.orm.em.fork().count('Encounter', {});

beforeAll(async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  unitId = f.unitId;
  admin = await login(stack.app, { hsaId: f.staff.careAdmin });
});

it('a malformed Authorization header is a 401 naming the header', async () => {
  const res = await request(stack.app).get('/api/care-units').set('authorization', 'Basic %E0%A4%A');
  expect(res.status).toBe(401);
  expect(res.body.field).toBe('authorization');
});

it('a JSON body in a charset other than UTF-8 is a 415 and creates nothing', async () => {
  const before = await encounterCount();
  const res = await admin
    .post('/api/encounters')
    .set('content-type', 'application/json; charset=latin1')
    .send(Buffer.from(`{"personnummer":"19850314-2385","careUnitId":"${unitId}"}`, 'latin1'));
  expect(res.status).toBe(415);
  expect(res.body.field).toBe('content-type');
  expect(await encounterCount()).toBe(before);
});

it('a body over 256 kB is a 413 and creates nothing', async () => {
  const before = await encounterCount();
  const res = await admin
    .post('/api/encounters')
    .set('content-type', 'application/json')
    .send(JSON.stringify({ reason: 'x'.repeat(300 * 1024) }));
  expect(res.status).toBe(413);
  expect(await encounterCount()).toBe(before);
});

it.each(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])(
  'an out-of-range date (%s) on /api/slots is a 400 naming the field',
  async (from) => {
    const res = await admin.get('/api/slots').query({ from });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('from');
  },
);

it('a logged-in change without the CSRF token is a 403 naming the token, and creates nothing', async () => {
  const before = await encounterCount();
  const res = await admin.agent.post('/api/encounters').send({ personnummer: '19850314-2385', careUnitId: unitId });
  expect(res.status).toBe(403);
  expect(res.body.field).toBe('x-csrf-token');
  expect(await encounterCount()).toBe(before);
});

it('responses carry the security headers; patient data is never cached', async () => {
  const res = await admin.get('/api/encounters').expect(200);
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['cache-control']).toBe('no-store');
  const cookie = (await request(stack.app).get('/login/patient')).headers['set-cookie']?.[0] ?? '';
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Lax/);
});
