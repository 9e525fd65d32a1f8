/** Picks the video-room implementation for this process: Janus (one server or several) or in-memory rooms. */
import type { Config, JanusServer } from '../config';
import { createJanusRooms, type JanusRoomsOptions } from './janus-rooms';
import { createFakeRooms, VideoRooms } from './rooms';

/** Janus when it is part of the system (JANUS_REQUIRED, the default); the in-memory fake where no Janus runs. */
export function createRoomService(config: Config): VideoRooms {
  if (!config.janus.required) return createFakeRooms();
  return onServers(config.janus.servers.map((s) => createJanusRooms(janusRoomsOptions(config, s))));
}

/**
 * How this server talks to one Janus: its api_secret, the room admin key and the Admin API for page tokens.
 * @param server - which Janus (default: the first configured)
 */
export function janusRoomsOptions(config: Config, server: JanusServer = config.janus.servers[0]): JanusRoomsOptions {
  return {
    wsUrl: server.wsUrl,
    roomAdminKey: config.janus.roomAdminKey,
    apiSecret: config.janus.apiSecret,
    admin: { url: server.adminUrl, secret: config.janus.adminSecret },
  };
}

/**
 * Rooms over several Janus servers, each call sent to the room's own; a room whose recorded server is
 * no longer configured (or none recorded, as before rooms had one) is on the first.
 * @param each - one single-server VideoRooms per Janus, in configured order
 */
export function onServers(each: VideoRooms[]): VideoRooms {
  if (each.length === 1) return each[0];
  const servers = each.flatMap((r) => r.servers);
  const on = (server?: string) => each[Math.max(0, servers.indexOf(server ?? ''))];
  return {
    servers,
    create: (spec, server) => on(server).create(spec),
    destroy: (roomId, secret, server) => on(server).destroy(roomId, secret),
    allow: (roomId, secret, token, server) => on(server).allow(roomId, secret, token),
    exists: (roomId, server) => on(server).exists(roomId),
    setPublishers: (roomId, secret, publishers, server) => on(server).setPublishers(roomId, secret, publishers),
    expel: (roomId, secret, who, server) => on(server).expel(roomId, secret, who),
  };
}
