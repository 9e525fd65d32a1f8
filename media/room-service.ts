/** Picks the video-room implementation for this process. */
import type { Config } from '../config';
import { createJanusRooms } from './janus-rooms';
import { createFakeRooms, VideoRooms } from './rooms';

/** Janus when it is part of the system (JANUS_REQUIRED, the default); the in-memory fake where no Janus runs. */
export function createRoomService(config: Config): VideoRooms {
  return config.janus.required
    ? createJanusRooms({ wsUrl: config.janus.wsUrl, roomAdminKey: config.janus.roomAdminKey })
    : createFakeRooms();
}
