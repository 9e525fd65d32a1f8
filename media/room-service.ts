/** Picks the video-room implementation for this process. */
import type { Config } from '../config';
import { createFakeRooms, VideoRooms } from './rooms';

/** Janus when configured (see media/janus-rooms.ts once video lands); the in-memory fake otherwise. */
export function createRoomService(_config: Config): VideoRooms {
  return createFakeRooms();
}
