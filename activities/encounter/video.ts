/** Video-room activities: one private room per encounter, created once and destroyed once. */
import { randomInt, randomBytes } from 'node:crypto';
import type { Orm } from '../../db/orm';
import type { VideoRooms } from '../../media/rooms';

export const roomIdFor = (encounterId: string) => `encounter-${encounterId}`;

export function createVideoActivities({ orm, rooms }: { orm: Orm; rooms: VideoRooms }) {
  return {
    /** Creates the encounter's room with a random PIN and secret; a second call returns the same room. */
    async openVideoRoom(input: { encounterId: string }): Promise<{ roomId: string }> {
      const em = orm.em.fork();
      const roomId = roomIdFor(input.encounterId);
      await em.execute(`insert into video_room (encounter_id, room_id, pin, secret) values (?, ?, ?, ?) on conflict (encounter_id) do nothing`, [
        input.encounterId,
        roomId,
        String(randomInt(0, 1_000_000)).padStart(6, '0'),
        randomBytes(18).toString('base64url'),
      ]);
      const [row] = await em.execute<Array<{ pin: string; secret: string }>>('select pin, secret from video_room where encounter_id = ?', [input.encounterId]);
      await rooms.create({ roomId, description: `Vårdmöte ${input.encounterId.slice(0, 8)}`, pin: row.pin, secret: row.secret, maxPublishers: 2 });
      return { roomId };
    },

    /** Destroys the room (idempotent: an already destroyed room is fine). */
    async closeVideoRoom(input: { encounterId: string }): Promise<void> {
      const em = orm.em.fork();
      const [row] = await em.execute<Array<{ room_id: string; secret: string }>>('select room_id, secret from video_room where encounter_id = ?', [input.encounterId]);
      if (!row) return;
      await rooms.destroy(row.room_id, row.secret);
      await em.execute('update video_room set destroyed_at = coalesce(destroyed_at, now()) where encounter_id = ?', [input.encounterId]);
    },
  };
}
