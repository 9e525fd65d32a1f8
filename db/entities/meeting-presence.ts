/** Where a participant (or their media, role 'patient/media') is according to Janus; the newest event wins. */
import { EntitySchema } from '@mikro-orm/core';
import { ref } from './columns';

export class MeetingPresence {
  encounterId!: string;
  role!: string;
  present!: boolean;
  /** Janus event time in microseconds. */
  lastEventUs!: string;
}

export const MeetingPresenceSchema = new EntitySchema<MeetingPresence>({
  class: MeetingPresence,
  tableName: 'meeting_presence',
  properties: {
    encounterId: ref('Encounter', 'encounter_id', { primary: true }),
    role: { type: 'text', primary: true },
    present: { type: 'boolean' },
    lastEventUs: { type: 'bigint' },
  },
});
