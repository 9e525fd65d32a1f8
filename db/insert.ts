/** Idempotent inserts: a row that already exists (any unique key) is left as it is. */
import type { EntityData, EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * `insert … on conflict do nothing`; returns how many rows were new.
 * @param rows - plain rows; columns with database defaults may be left out (hence EntityData, not RequiredEntityData)
 */
export async function insertIgnore<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  rows: Array<EntityData<T>>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await em
    .createQueryBuilder(entity)
    .insert(rows as never)
    .onConflict()
    .ignore()
    .execute('run');
  return res.affectedRows;
}
