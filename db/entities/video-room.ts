/** The encounter's private Janus VideoRoom: its random PIN and secret, and when it was destroyed. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export class VideoRoom {
  encounterId!: string;
  roomId!: string;
  pin!: string;
  secret!: string;
  createdAt: Date = new Date();
  destroyedAt?: Date | null;
}

export const VideoRoomSchema = new EntitySchema<VideoRoom>({
  class: VideoRoom,
  tableName: 'video_room',
  properties: {
    encounterId: ref('Encounter', 'encounter_id', { primary: true }),
    roomId: { type: 'text', unique: true },
    pin: { type: 'text' },
    secret: { type: 'text' },
    createdAt,
    destroyedAt: optionalTime,
  },
});
