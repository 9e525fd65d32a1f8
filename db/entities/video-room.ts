/** The encounter's private Janus VideoRoom: its random PIN and secret, its Janus server, and when it was destroyed. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export class VideoRoom {
  encounterId!: string;
  roomId!: string;
  pin!: string;
  secret!: string;
  /** The Janus server's id (its WebSocket URL); null: the first configured (in-memory rooms, older rows). */
  janusServer?: string | null;
  createdAt: Date = new Date();
  destroyedAt?: Date | null;
}

export const VideoRoomSchema = new EntitySchema<VideoRoom>({
  class: VideoRoom,
  tableName: 'video_room',
  indexes: [
    {
      name: 'video_room_open_server_idx',
      expression: 'create index video_room_open_server_idx on video_room (janus_server) where destroyed_at is null',
    },
  ],
  properties: {
    encounterId: ref('Encounter', 'encounter_id', { primary: true }),
    roomId: { type: 'text', unique: true },
    pin: { type: 'text' },
    secret: { type: 'text' },
    janusServer: { type: 'text', nullable: true },
    createdAt,
    destroyedAt: optionalTime,
  },
});
