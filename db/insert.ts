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

/**
 * Sets one column on rows where it is still null, by id; a value already there (someone's later edit)
 * is kept. Lets demo seeding add a new column's values to rows an earlier run wrote, and run again.
 * @param rows - `{ id, value }` per row; a null value sets nothing
 * @returns how many rows were filled
 */
export async function fillNulls<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  column: keyof T & string,
  rows: Array<{ id: string; value: unknown }>,
): Promise<number> {
  let filled = 0;
  for (const { id, value } of rows) {
    if (value === null || value === undefined) continue;
    filled += await em.nativeUpdate(entity, { id, [column]: null } as never, { [column]: value } as never);
  }
  return filled;
}
