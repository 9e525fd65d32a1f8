/** Constraint and index names as PostgreSQL gives them by default, so hand-written migrations and the entities agree by name. */
import { UnderscoreNamingStrategy } from '@mikro-orm/core';

const SUFFIX = {
  primary: 'pkey',
  foreign: 'fkey',
  unique: 'key',
  index: 'idx',
  check: 'check',
  sequence: 'seq',
} as const;

export class PostgresDefaultNamingStrategy extends UnderscoreNamingStrategy {
  override indexName(tableName: string, columns: string[], type: keyof typeof SUFFIX): string {
    if (type === 'primary') return `${tableName}_pkey`;
    return `${tableName}_${columns.join('_')}_${SUFFIX[type]}`.slice(0, 63);
  }
}
