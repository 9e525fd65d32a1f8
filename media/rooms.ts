/** The video-room port: a private room per encounter. Janus implements it; tests may use the fake. */

/** The Janus room id of an encounter's meeting (the VideoRoom plugin runs with string ids). */
export const videoRoomId = (encounterId: string) => `encounter-${encounterId}`;
export interface RoomSpec {
  /** Janus string room id, derived from the encounter. */
  roomId: string;
  description: string;
  pin: string;
  secret: string;
  /** Clinician and patient (or guardian), and each admitted participant up to VIDEO_MAX_PARTICIPANTS (issue 26). */
  maxPublishers: number;
}

/** The room an encounter's meeting has, from its stored PIN and secret (created, or re-created after a Janus restart). */
export const encounterRoomSpec = (
  encounterId: string,
  room: { roomId: string; pin: string; secret: string },
  publishers = 2,
) => ({
  roomId: room.roomId,
  description: `Vårdmöte ${encounterId.slice(0, 8)}`,
  pin: room.pin,
  secret: room.secret,
  maxPublishers: publishers,
});

/**
 * Rooms on one or more Janus servers. `server` names the room's Janus (one of `servers`, as recorded
 * with the room); absent, or with a single server, it is the first.
 */
export interface VideoRooms {
  /** The Janus servers rooms can be placed on, by id, in configured order; none for in-memory rooms. */
  readonly servers: readonly string[];
  /** Creates the room; creating an existing room is not an error. */
  create(spec: RoomSpec, server?: string): Promise<void>;
  destroy(roomId: string, secret: string, server?: string): Promise<void>;
  /** Adds one participant's join token: the room admits only listed tokens (with the PIN). */
  allow(roomId: string, secret: string, token: string, server?: string): Promise<void>;
  exists(roomId: string, server?: string): Promise<boolean>;
  /** Lets the room take this many publishers (each admission of a participant grows it, issue 26). */
  setPublishers(roomId: string, secret: string, publishers: number, server?: string): Promise<void>;
  /** Takes tokens off the room's list and kicks those publishers out: a removed participant is out at once. */
  expel(
    roomId: string,
    secret: string,
    who: { tokens: string[]; publisherIds: string[] },
    server?: string,
  ): Promise<void>;
}

/** In-memory rooms for tests and for machines without Janus. */
export function createFakeRooms(): VideoRooms & {
  rooms: Map<string, RoomSpec>;
  allowed: Map<string, Set<string>>;
  kicked: string[];
} {
  const rooms = new Map<string, RoomSpec>();
  const allowed = new Map<string, Set<string>>();
  const kicked: string[] = [];
  return {
    servers: [],
    rooms,
    allowed,
    kicked,
    async expel(roomId, _secret, who) {
      for (const t of who.tokens) allowed.get(roomId)?.delete(t);
      kicked.push(...who.publisherIds);
    },
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
    async setPublishers(roomId, _secret, publishers) {
      const spec = rooms.get(roomId);
      if (!spec) throw new Error(`no room ${roomId}`);
      rooms.set(roomId, { ...spec, maxPublishers: publishers });
    },
  };
}
