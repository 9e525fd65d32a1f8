/** One caller's hits in the current window of one route class (db/rate-limits.ts writes it with SQL). */
import { EntitySchema } from '@mikro-orm/core';

export class RateLimitCounter {
  key!: string;
  hits!: number;
  resetAt!: Date;
}

export const RateLimitCounterSchema = new EntitySchema<RateLimitCounter>({
  class: RateLimitCounter,
  tableName: 'rate_limit_counter',
  indexes: [{ name: 'rate_limit_counter_reset_at_idx', properties: ['resetAt'] }],
  properties: {
    key: { type: 'text', primary: true },
    hits: { type: 'integer' },
    resetAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
