/** Video-room activities: one private room per encounter, created once and destroyed once. */
import { randomInt, randomBytes } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { ensureVideoRoom, findVideoRoom, markVideoRoomDestroyed, openRoomsByServer } from '../../db/video';
import { leastLoadedServer } from '../../domain/room-placement';
import { encounterRoomSpec, videoRoomId, type VideoRooms } from '../../media/rooms';

export function createVideoActivities({ orm, rooms }: { orm: Orm; rooms: VideoRooms }) {
  return {
    /**
     * Creates the encounter's room with a random PIN and secret on the Janus server with the fewest
     * open rooms; a second call returns the same room on the same server.
     */
    async openVideoRoom(input: { encounterId: string }): Promise<{ roomId: string }> {
      const em = orm.em.fork();
      const placed = (await findVideoRoom(em, input.encounterId))?.janusServer;
      const janusServer =
        placed ??
        (rooms.servers.length > 1
          ? leastLoadedServer(rooms.servers, await openRoomsByServer(em))
          : (rooms.servers[0] ?? null));
      const room = await ensureVideoRoom(em, {
        encounterId: input.encounterId,
        roomId: videoRoomId(input.encounterId),
        pin: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        secret: randomBytes(18).toString('base64url'),
        janusServer,
      });
      await rooms.create(encounterRoomSpec(input.encounterId, room), room.janusServer ?? undefined);
      return { roomId: room.roomId };
    },

    /** Destroys the room on its Janus (idempotent: an already destroyed room is fine). */
    async closeVideoRoom(input: { encounterId: string }): Promise<void> {
      const em = orm.em.fork();
      const room = await findVideoRoom(em, input.encounterId);
      if (!room) return;
      // Marked first: a page joining meanwhile is refused (409) rather than re-creating the room on
      // its Janus (api/meet/service.ts liveRoom); a retry after a failed destroy destroys it again.
      await markVideoRoomDestroyed(em, input.encounterId);
      await rooms.destroy(room.roomId, room.secret, room.janusServer ?? undefined);
    },
  };
}
