/** Picks the video-room implementation for this process. */
import type { Config } from '../config';
import { createJanusRooms, type JanusRoomsOptions } from './janus-rooms';
import { createFakeRooms, VideoRooms } from './rooms';

/** Janus when it is part of the system (JANUS_REQUIRED, the default); the in-memory fake where no Janus runs. */
export function createRoomService(config: Config): VideoRooms {
  return config.janus.required ? createJanusRooms(janusRoomsOptions(config)) : createFakeRooms();
}

/** How this server talks to Janus: its api_secret, the room admin key and the Admin API for page tokens. */
export function janusRoomsOptions(config: Config): JanusRoomsOptions {
  return {
    wsUrl: config.janus.wsUrl,
    roomAdminKey: config.janus.roomAdminKey,
    apiSecret: config.janus.apiSecret,
    admin: { url: config.janus.adminUrl, secret: config.janus.adminSecret },
  };
}
