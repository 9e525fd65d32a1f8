/** The video-room port: a private room per encounter. Janus implements it; tests may use the fake. */
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
  exists(roomId: string): Promise<boolean>;
}

/** In-memory rooms for tests and for machines without Janus. */
export function createFakeRooms(): VideoRooms & { rooms: Map<string, RoomSpec> } {
  const rooms = new Map<string, RoomSpec>();
  return {
    rooms,
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
