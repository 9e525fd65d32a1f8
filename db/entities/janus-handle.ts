/** A Janus plugin handle of one of our meeting pages, so WebRTC and media events map to a participant. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export class JanusHandle {
  handleId!: string;
  encounterId!: string;
  role!: string;
  createdAt: Date = new Date();
}

export const JanusHandleSchema = new EntitySchema<JanusHandle>({
  class: JanusHandle,
  tableName: 'janus_handle',
  properties: {
    handleId: { type: 'bigint', primary: true, autoincrement: false },
    encounterId: ref('Encounter', 'encounter_id'),
    role: { type: 'text' },
    createdAt,
  },
});
