/** The Janus VideoRoom adapter against the real Janus that `npm test` starts. */
import { randomUUID } from 'node:crypto';
import Client from 'janus-gateway-js/src/client';
import { createJanusRooms, JanusRequestError } from '../../media/janus-rooms';
import { testConfig } from '../support/env';

const config = testConfig();
const rooms = createJanusRooms({ wsUrl: config.janus.wsUrl, roomAdminKey: config.janus.roomAdminKey });
const spec = () => ({
  roomId: `encounter-${randomUUID()}`,
  description: 'Test',
  pin: '123456',
  secret: `s-${randomUUID()}`,
  maxPublishers: 2,
});

it('creates a private room with PIN, two publishers and recording off; creating twice is the same room', async () => {
  const s = spec();
  await rooms.create(s);
  await rooms.create(s);
  expect(await rooms.exists(s.roomId)).toBe(true);
  // Private rooms are listed only with the admin key.
  const { list } = (await rooms.request({ request: 'list', admin_key: config.janus.roomAdminKey })) as {
    list: Array<Record<string, unknown>>;
  };
  const mine = list.filter((r) => r.room === s.roomId);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ pin_required: true, max_publishers: 2, record: false, is_private: true });
  expect((await rooms.request({ request: 'list' })).list).not.toContainEqual(
    expect.objectContaining({ room: s.roomId }),
  );
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
  await expect(
    rooms.request({ request: 'create', room: `x-${randomUUID()}`, admin_key: 'wrong-key' }),
  ).rejects.toMatchObject({ code: 433 });
});

it('destroys the room; destroying again is not an error; a wrong secret is refused', async () => {
  const s = spec();
  await rooms.create(s);
  await expect(rooms.destroy(s.roomId, 'wrong-secret')).rejects.toMatchObject({ code: 433 });
  await rooms.destroy(s.roomId, s.secret);
  expect(await rooms.exists(s.roomId)).toBe(false);
  await rooms.destroy(s.roomId, s.secret);
});

/** Joins the room as a publisher (no media) over its own session; resolves with the plugin's answer. */
async function joinAsPublisher(roomId: string, pin: string, token?: string): Promise<Record<string, unknown>> {
  const connection = await new Client(config.janus.wsUrl, { keepalive: false }).createConnection('test');
  try {
    const session = await connection.createSession();
    const plugin = await session.attachPlugin('janus.plugin.videoroom');
    return await new Promise((resolve) => {
      // The library delivers a refused join as an 'error' (a JanusError carrying the code).
      plugin.on('error', (err) => resolve({ error_code: (err as { code?: number }).code }));
      plugin.on('message', (msg) => {
        const plain = msg.getPlainMessage();
        if (plain.janus === 'event') resolve(plain.plugindata!.data);
      });
      void plugin
        .sendWithTransaction({
          body: { request: 'join', ptype: 'publisher', room: roomId, pin, display: 't', ...(token ? { token } : {}) },
        })
        .catch(() => undefined);
    });
  } finally {
    await connection.close().catch(() => undefined);
  }
}

it('admits only the join tokens added for the room, even with the right PIN', async () => {
  const s = spec();
  await rooms.create(s);
  expect(await joinAsPublisher(s.roomId, s.pin)).toMatchObject({ error_code: 433 });
  expect(await joinAsPublisher(s.roomId, s.pin, 'not-listed')).toMatchObject({ error_code: 433 });
  await rooms.allow(s.roomId, s.secret, 'token-of-the-patient');
  expect(await joinAsPublisher(s.roomId, '000000', 'token-of-the-patient')).toMatchObject({ error_code: 433 });
  expect(await joinAsPublisher(s.roomId, s.pin, 'token-of-the-patient')).toMatchObject({
    videoroom: 'joined',
    room: s.roomId,
  });
  await expect(rooms.allow(s.roomId, 'wrong-secret', 'x')).rejects.toMatchObject({ code: 433 });
  await rooms.destroy(s.roomId, s.secret);
});
