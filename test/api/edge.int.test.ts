/** Bad input at the edge gets a 4xx naming what was wrong, never a 5xx, and writes nothing. */
import request from 'supertest';
import { useApiStack } from '../support/app';

const stack = useApiStack();
const admin = { 'x-actor-id': 'admin-edge', 'x-actor-role': 'admin' };
const encounterCount = async () => stack.ctx.orm.em.fork().count('Encounter', {});

it('a malformed percent-encoded x-actor-name header is a 400 naming the header', async () => {
  const res = await request(stack.app)
    .get('/api/care-units')
    .set({ ...admin, 'x-actor-name': '%E0%A4%A' });
  expect(res.status).toBe(400);
  expect(res.body.field).toBe('x-actor-name');
});

it('a JSON body in a charset other than UTF-8 is a 415 and creates nothing', async () => {
  const before = await encounterCount();
  const res = await request(stack.app)
    .post('/api/encounters')
    .set(admin)
    .set('content-type', 'application/json; charset=latin1')
    .send(Buffer.from('{"personnummer":"19850314-2385"}', 'latin1'));
  expect(res.status).toBe(415);
  expect(res.body.field).toBe('content-type');
  expect(await encounterCount()).toBe(before);
});

it('a body over 256 kB is a 413 and creates nothing', async () => {
  const before = await encounterCount();
  const res = await request(stack.app)
    .post('/api/encounters')
    .set(admin)
    .set('content-type', 'application/json')
    .send(JSON.stringify({ reason: 'x'.repeat(300 * 1024) }));
  expect(res.status).toBe(413);
  expect(await encounterCount()).toBe(before);
});

it.each(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z'])(
  'an out-of-range date (%s) on /api/slots is a 400 naming the field',
  async (from) => {
    const res = await request(stack.app).get('/api/slots').query({ from }).set(admin);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('from');
  },
);
