/** One step in a deviation's review: who moved it from which status to which, and why. Rows are only added. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, ref } from './columns';
import { DEVIATION_STATUSES, DeviationStatus } from './deviation';

export class DeviationEvent {
  [OptionalProps]?: 'id' | 'at';
  id!: string;
  deviationId!: string;
  at: Date = new Date();
  /** HSA-id of the member of staff. */
  actor!: string;
  actorName!: string;
  fromStatus?: DeviationStatus | null;
  toStatus!: DeviationStatus;
  note?: string | null;
}

export const DeviationEventSchema = new EntitySchema<DeviationEvent>({
  class: DeviationEvent,
  tableName: 'deviation_event',
  indexes: [{ name: 'deviation_event_deviation_idx', properties: ['deviationId', 'at'] }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    deviationId: ref('Deviation', 'deviation_id'),
    at: createdAt,
    actor: { type: 'text' },
    actorName: { type: 'text' },
    fromStatus: { type: 'text', nullable: true },
    toStatus: { enum: true, items: () => DEVIATION_STATUSES },
    note: { type: 'text', nullable: true },
  },
});
