/** A caller's Idempotency-Key for creating an encounter, with the request it was first used for. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt } from './columns';

export class IdempotencyKey {
  [OptionalProps]?: 'createdAt';
  caller!: string;
  key!: string;
  requestHash!: string;
  encounterId!: string;
  createdAt: Date = new Date();
}

export const IdempotencyKeySchema = new EntitySchema<IdempotencyKey>({
  class: IdempotencyKey,
  tableName: 'idempotency_key',
  properties: {
    caller: { type: 'text', primary: true },
    key: { type: 'text', primary: true },
    requestHash: { type: 'text' },
    encounterId: { type: 'uuid' },
    createdAt,
  },
});
