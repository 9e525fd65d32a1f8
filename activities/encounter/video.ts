/** Video-room activities: one private room per encounter, created once and destroyed once. */
import { randomInt, randomBytes } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { ensureVideoRoom, findVideoRoom, markVideoRoomDestroyed } from '../../db/video';
import { videoRoomId, type VideoRooms } from '../../media/rooms';

export function createVideoActivities({ orm, rooms }: { orm: Orm; rooms: VideoRooms }) {
  return {
    /** Creates the encounter's room with a random PIN and secret; a second call returns the same room. */
    async openVideoRoom(input: { encounterId: string }): Promise<{ roomId: string }> {
      const room = await ensureVideoRoom(orm.em.fork(), {
        encounterId: input.encounterId,
        roomId: videoRoomId(input.encounterId),
        pin: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        secret: randomBytes(18).toString('base64url'),
      });
      await rooms.create({
        roomId: room.roomId,
        description: `Vårdmöte ${input.encounterId.slice(0, 8)}`,
        pin: room.pin,
        secret: room.secret,
        maxPublishers: 2,
      });
      return { roomId: room.roomId };
    },

    /** Destroys the room (idempotent: an already destroyed room is fine). */
    async closeVideoRoom(input: { encounterId: string }): Promise<void> {
      const em = orm.em.fork();
      const room = await findVideoRoom(em, input.encounterId);
      if (!room) return;
      await rooms.destroy(room.roomId, room.secret);
      await markVideoRoomDestroyed(em, input.encounterId);
    },
  };
}
