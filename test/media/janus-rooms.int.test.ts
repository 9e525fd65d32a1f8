/** The Janus VideoRoom adapter against the real Janus that `npm test` starts. */
import { randomUUID } from 'node:crypto';
import { createJanusRooms, JanusRequestError } from '../../media/janus-rooms';
import { testConfig } from '../support/env';

const config = testConfig();
const rooms = createJanusRooms({ wsUrl: config.janus.wsUrl, roomAdminKey: config.janus.roomAdminKey });
const spec = () => ({ roomId: `encounter-${randomUUID()}`, description: 'Test', pin: '123456', secret: `s-${randomUUID()}`, maxPublishers: 2 });

it('creates a private room with PIN, two publishers and recording off; creating twice is the same room', async () => {
  const s = spec();
  await rooms.create(s);
  await rooms.create(s);
  expect(await rooms.exists(s.roomId)).toBe(true);
  // Private rooms are listed only with the admin key.
  const { list } = (await rooms.request({ request: 'list', admin_key: config.janus.roomAdminKey })) as { list: Array<Record<string, unknown>> };
  const mine = list.filter((r) => r.room === s.roomId);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ pin_required: true, max_publishers: 2, record: false, is_private: true });
  expect((await rooms.request({ request: 'list' })).list).not.toContainEqual(expect.objectContaining({ room: s.roomId }));
  await rooms.destroy(s.roomId, s.secret);
});

it('a client cannot turn recording on without the room secret', async () => {
  const s = spec();
  await rooms.create(s);
  const attempt = rooms.request({ request: 'enable_recording', room: s.roomId, record: true, secret: 'guessed' });
  await expect(attempt).rejects.toBeInstanceOf(JanusRequestError);
  await expect(attempt).rejects.toMatchObject({ code: 433 });
  await rooms.destroy(s.roomId, s.secret);
});

it('only the room admin key may create rooms', async () => {
  await expect(rooms.request({ request: 'create', room: `x-${randomUUID()}`, admin_key: 'wrong-key' })).rejects.toMatchObject({ code: 433 });
});

it('destroys the room; destroying again is not an error; a wrong secret is refused', async () => {
  const s = spec();
  await rooms.create(s);
  await expect(rooms.destroy(s.roomId, 'wrong-secret')).rejects.toMatchObject({ code: 433 });
  await rooms.destroy(s.roomId, s.secret);
  expect(await rooms.exists(s.roomId)).toBe(false);
  await rooms.destroy(s.roomId, s.secret);
});
