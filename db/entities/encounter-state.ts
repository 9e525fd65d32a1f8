/**
 * The encounter workflow's whole state as its last projection wrote it (issue 29): what
 * `GET /api/encounters/:id` and the live encounter page read, instead of a query through Temporal and
 * the worker on every read. db/encounters.ts writes it with SQL, guarded by the version like the row.
 */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export class EncounterStateRow {
  encounterId!: string;
  state!: unknown;
  version = 0;
  updatedAt: Date = new Date();
}

export const EncounterStateSchema = new EntitySchema<EncounterStateRow>({
  class: EncounterStateRow,
  tableName: 'encounter_state',
  properties: {
    encounterId: ref('Encounter', 'encounter_id', { primary: true }),
    state: { type: 'json', columnType: 'jsonb' },
    version: { type: 'integer', default: 0 },
    updatedAt: createdAt,
  },
});
