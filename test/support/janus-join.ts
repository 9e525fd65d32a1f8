/** Entering a video room as a meeting page does, without media: for tests of where rooms live. */
import Client from 'janus-gateway-js/src/client';

/**
 * Joins the room as a publisher over a session opened with the page's token, on the Janus the join
 * named; resolves with VideoRoom's answer (`joined`, or an `error_code`).
 */
export async function enterRoom(join: {
  wsUrl: string;
  roomId: string;
  pin: string;
  janusToken: string;
}): Promise<Record<string, unknown>> {
  const connection = await new Client(join.wsUrl, { keepalive: false, token: join.janusToken }).createConnection('t');
  try {
    const plugin = await (await connection.createSession()).attachPlugin('janus.plugin.videoroom');
    return await new Promise<Record<string, unknown>>((resolve) => {
      plugin.on('error', (err) => resolve({ error_code: (err as { code?: number }).code }));
      plugin.on('message', (msg) => {
        const plain = msg.getPlainMessage();
        if (plain.janus === 'event') resolve(plain.plugindata!.data);
      });
      const body = { request: 'join', ptype: 'publisher', room: join.roomId, pin: join.pin, token: join.janusToken };
      void plugin.sendWithTransaction({ body }).catch(() => undefined);
    });
  } finally {
    await connection.close().catch(() => undefined);
  }
}
