/** The video-room port on Janus' VideoRoom plugin, spoken through janus-gateway-js. */
import Client from 'janus-gateway-js/src/client';
import type { JanusPlugin } from 'janus-gateway-js';
import { janusAdminRequest } from './janus-admin';
import type { RoomSpec, VideoRooms } from './rooms';

export interface JanusRoomsOptions {
  /** ws://host:port of the Janus WebSocket API. */
  wsUrl: string;
  /** The VideoRoom plugin's admin_key: only holders may create rooms. */
  roomAdminKey: string;
  /** Janus' api_secret: this server's own sessions carry it (Janus refuses sessions with neither it nor a token). */
  apiSecret?: string;
  /**
   * The Admin API, where each meeting page's token is stored for Janus' core token_auth (the page's
   * session, handles and keepalives carry it) and removed again when the room is destroyed.
   */
  admin?: { url: string; secret: string };
}

/** A failed VideoRoom request, with Janus' own error code and reason. */
export class JanusRequestError extends Error {
  constructor(
    readonly request: string,
    readonly code: number | undefined,
    reason: string,
  ) {
    super(`Janus VideoRoom '${request}' failed${code ? ` (${code})` : ''}: ${reason}`);
    this.name = 'JanusRequestError';
  }
}

/** VideoRoom error codes we treat as "already so" (create twice, destroy twice). */
const ROOM_EXISTS = 427;
const NO_SUCH_ROOM = 426;
// VideoRoom: no such feed (kicking a publisher that already left).
const NO_SUCH_FEED = 428;

/**
 * Rooms on one Janus (its id is its WebSocket URL; a `server` argument is not looked at). Each call
 * opens its own short session: room changes are rare (two per encounter) and a fresh session cannot
 * be left half-broken by an earlier network error.
 */
export function createJanusRooms(
  opts: JanusRoomsOptions,
): VideoRooms & { request(body: Record<string, unknown>): Promise<Record<string, unknown>> } {
  async function withVideoRoom<T>(fn: (plugin: JanusPlugin) => Promise<T>): Promise<T> {
    const connection = await new Client(opts.wsUrl, {
      keepalive: false,
      ...(opts.apiSecret ? { apisecret: opts.apiSecret } : {}),
    }).createConnection('vardmote-rooms');
    try {
      const session = await connection.createSession();
      try {
        const plugin = await session.attachPlugin('janus.plugin.videoroom');
        // The library re-emits each failed request as 'error' and throws when nobody listens;
        // the request's own promise already carries the error.
        plugin.on('error', () => undefined);
        return await fn(plugin);
      } finally {
        await session.destroy().catch(() => undefined);
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Sends one synchronous VideoRoom request and returns its plugin data. */
  async function request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return withVideoRoom(async (plugin) => {
      try {
        const answer = await plugin.sendWithTransaction({ body });
        return (answer.getPlainMessage().plugindata?.data ?? {}) as Record<string, unknown>;
      } catch (err) {
        // janus-gateway-js rejects with the plugin's error_code/error in the message.
        const e = err as { code?: number; message?: string };
        throw new JanusRequestError(String(body.request), e.code, e.message ?? String(err));
      }
    });
  }

  const isCode = (err: unknown, code: number) => err instanceof JanusRequestError && err.code === code;

  return {
    servers: [opts.wsUrl],
    request,
    async create(spec: RoomSpec) {
      try {
        await request({
          request: 'create',
          admin_key: opts.roomAdminKey,
          room: spec.roomId,
          description: spec.description,
          secret: spec.secret,
          pin: spec.pin,
          is_private: true,
          publishers: spec.maxPublishers,
          // Care meetings are never recorded: off, and locked so no participant can turn it on.
          record: false,
          lock_record: true,
          permanent: false,
          audiolevel_event: false,
          notify_joining: true,
          // Token check on from the start, with no tokens yet: each page's token is added when it opens.
          allowed: [],
        });
      } catch (err) {
        if (!isCode(err, ROOM_EXISTS)) throw err;
      }
    },
    async allow(roomId, secret, token) {
      // The room first: it checks the room secret, so a wrong one stores no token in Janus' core either.
      await request({ request: 'allowed', room: roomId, secret, action: 'add', allowed: [token] });
      if (opts.admin)
        await janusAdminRequest(opts.admin.url, opts.admin.secret, {
          janus: 'add_token',
          token,
          plugins: ['janus.plugin.videoroom'],
        });
    },
    async destroy(roomId, secret) {
      try {
        // The room's tokens leave Janus' core list with it (an "allowed" change of nothing answers the list).
        const { allowed } = (await request({
          request: 'allowed',
          room: roomId,
          secret,
          action: 'remove',
          allowed: [],
        })) as {
          allowed?: string[];
        };
        if (opts.admin)
          for (const token of allowed ?? [])
            await janusAdminRequest(opts.admin.url, opts.admin.secret, { janus: 'remove_token', token }).catch(
              () => undefined,
            );
        await request({ request: 'destroy', room: roomId, secret, permanent: false });
      } catch (err) {
        if (!isCode(err, NO_SUCH_ROOM)) throw err;
      }
    },
    async exists(roomId) {
      const data = await request({ request: 'exists', room: roomId });
      return data.exists === true;
    },
    async expel(roomId, secret, { tokens, publisherIds }) {
      if (tokens.length) await request({ request: 'allowed', room: roomId, secret, action: 'remove', allowed: tokens });
      if (opts.admin)
        for (const token of tokens)
          await janusAdminRequest(opts.admin.url, opts.admin.secret, { janus: 'remove_token', token }).catch(
            () => undefined,
          );
      // A page not in the room now has nothing to kick: Janus answers "no such feed", fine.
      for (const id of publisherIds)
        await request({ request: 'kick', room: roomId, secret, id }).catch((err: unknown) => {
          if (!isCode(err, NO_SUCH_FEED)) throw err;
        });
    },
    async setPublishers(roomId, secret, publishers) {
      // VideoRoom's own edit: the room's secret, the new publisher count; not permanent (rooms never are).
      await request({ request: 'edit', room: roomId, secret, new_publishers: publishers, permanent: false });
    },
  };
}
