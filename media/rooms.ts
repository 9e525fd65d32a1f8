/** The video-room port: a private room per encounter. Janus implements it; tests may use the fake. */

/** The Janus room id of an encounter's meeting (the VideoRoom plugin runs with string ids). */
export const videoRoomId = (encounterId: string) => `encounter-${encounterId}`;
export interface RoomSpec {
  /** Janus string room id, derived from the encounter. */
  roomId: string;
  description: string;
  pin: string;
  secret: string;
  /** Clinician and patient (or guardian). */
  maxPublishers: number;
}

export interface VideoRooms {
  /** Creates the room; creating an existing room is not an error. */
  create(spec: RoomSpec): Promise<void>;
  destroy(roomId: string, secret: string): Promise<void>;
  /** Adds one participant's join token: the room admits only listed tokens (with the PIN). */
  allow(roomId: string, secret: string, token: string): Promise<void>;
  exists(roomId: string): Promise<boolean>;
}

/** In-memory rooms for tests and for machines without Janus. */
export function createFakeRooms(): VideoRooms & { rooms: Map<string, RoomSpec>; allowed: Map<string, Set<string>> } {
  const rooms = new Map<string, RoomSpec>();
  const allowed = new Map<string, Set<string>>();
  return {
    rooms,
    allowed,
    async allow(roomId, _secret, token) {
      if (!rooms.has(roomId)) throw new Error(`no room ${roomId}`);
      allowed.set(roomId, (allowed.get(roomId) ?? new Set()).add(token));
    },
    async create(spec) {
      if (!rooms.has(spec.roomId)) rooms.set(spec.roomId, spec);
    },
    async destroy(roomId) {
      rooms.delete(roomId);
    },
    async exists(roomId) {
      return rooms.has(roomId);
    },
  };
}
