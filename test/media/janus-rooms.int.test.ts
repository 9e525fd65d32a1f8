/** The Janus VideoRoom adapter against the real Janus that `npm test` starts. */
import { randomUUID } from 'node:crypto';
import Client from 'janus-gateway-js/src/client';
import WebSocket from 'ws';
import { createJanusRooms, JanusRequestError } from '../../media/janus-rooms';
import { janusRoomsOptions } from '../../media/room-service';
import { janusAdmin } from '../support/janus-admin';
import { testConfig } from '../../testkit/env';

const config = testConfig();
const rooms = createJanusRooms(janusRoomsOptions(config));
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

/**
 * Joins the room as a publisher (no media) over its own session, as a meeting page does: its token
 * on every request (Janus' core check) and in the join (the room's list); resolves with the plugin's
 * answer. With `session: 'api-secret'` the session carries the server's api_secret, so only the room decides.
 */
async function joinAsPublisher(
  roomId: string,
  pin: string,
  token?: string,
  session: 'token' | 'api-secret' = token ? 'token' : 'api-secret',
): Promise<Record<string, unknown>> {
  const connection = await new Client(config.janus.wsUrl, {
    keepalive: false,
    ...(session === 'token' ? { token } : { apisecret: config.janus.apiSecret }),
  }).createConnection('test');
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
  expect(await joinAsPublisher(s.roomId, s.pin, 'not-listed', 'api-secret')).toMatchObject({ error_code: 433 });
  // A token that was never added does not even open a Janus session.
  expect(await createSession({ token: 'not-listed' })).toMatchObject({ error: { code: 403 } });
  await rooms.allow(s.roomId, s.secret, 'token-of-the-patient');
  expect(await joinAsPublisher(s.roomId, '000000', 'token-of-the-patient')).toMatchObject({ error_code: 433 });
  expect(await joinAsPublisher(s.roomId, s.pin, 'token-of-the-patient')).toMatchObject({
    videoroom: 'joined',
    room: s.roomId,
  });
  await expect(rooms.allow(s.roomId, 'wrong-secret', 'x')).rejects.toMatchObject({ code: 433 });
  await rooms.destroy(s.roomId, s.secret);
});

/** Opens a session on Janus' WebSocket with exactly these credentials; resolves with Janus' answer. */
type JanusAnswer = { janus: string; data?: { id: number }; error?: { code: number; reason: string } };
function createSession(credentials: { token?: string; apisecret?: string }): Promise<JanusAnswer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(config.janus.wsUrl, 'janus-protocol');
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('Janus did not answer'))), 3000);
    ws.on('open', () => ws.send(JSON.stringify({ janus: 'create', transaction: 't', ...credentials })));
    ws.once('message', (d) => {
      clearTimeout(timer);
      const msg = JSON.parse(String(d)) as JanusAnswer;
      if (msg.data)
        ws.send(JSON.stringify({ janus: 'destroy', transaction: 'd', session_id: msg.data.id, ...credentials }));
      setTimeout(() => ws.close(), 50);
      resolve(msg);
    });
    ws.on('error', reject);
  });
}

describe("Janus' own check (api_secret, token_auth)", () => {
  it('refuses a WebSocket session without a token or the api secret', async () => {
    expect(await createSession({})).toMatchObject({ janus: 'error', error: { code: 403 } });
    expect(await createSession({ apisecret: 'guessed' })).toMatchObject({ janus: 'error', error: { code: 403 } });
    expect(await createSession({ token: 'guessed' })).toMatchObject({ janus: 'error', error: { code: 403 } });
    expect(await createSession({ apisecret: config.janus.apiSecret })).toMatchObject({ janus: 'success' });
  });

  it("a meeting page's token opens sessions once the page joins, and no more once the room is destroyed", async () => {
    const s = spec();
    const token = `page-${randomUUID()}`;
    await rooms.create(s);
    expect(await createSession({ token })).toMatchObject({ error: { code: 403 } });
    await expect(rooms.allow(s.roomId, 'wrong-secret', token)).rejects.toMatchObject({ code: 433 });
    expect(await createSession({ token })).toMatchObject({ error: { code: 403 } });
    await rooms.allow(s.roomId, s.secret, token);
    // The page joins again after a reload: the same token, added twice, is no error.
    await rooms.allow(s.roomId, s.secret, token);
    expect(await createSession({ token })).toMatchObject({ janus: 'success' });
    const { data } = await janusAdmin<{ data: { tokens: Array<{ token: string; allowed_plugins: string[] }> } }>(
      config.janus.adminUrl,
      config.janus.adminSecret,
      { janus: 'list_tokens' },
    );
    expect(data.tokens).toContainEqual({ token, allowed_plugins: ['janus.plugin.videoroom'] });
    await rooms.destroy(s.roomId, s.secret);
    expect(await createSession({ token })).toMatchObject({ error: { code: 403 } });
  });
});

it('grows a room to more publishers with its secret (issue 26: one per admitted participant); a wrong secret is refused', async () => {
  const s = spec();
  await rooms.create(s);
  await expect(rooms.setPublishers(s.roomId, 'wrong-secret', 4)).rejects.toMatchObject({ code: 433 });
  await rooms.setPublishers(s.roomId, s.secret, 4);
  const { list } = (await rooms.request({ request: 'list', admin_key: config.janus.roomAdminKey })) as {
    list: Array<Record<string, unknown>>;
  };
  expect(list.find((r) => r.room === s.roomId)).toMatchObject({ max_publishers: 4, pin_required: true, record: false });
  await rooms.destroy(s.roomId, s.secret);
});
