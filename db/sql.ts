/**
 * One SQL statement on a connection of the ORM's own pool, without the ORM's per-statement machinery.
 * For the hottest statements (an encounter's row and state, the list, the access-log row of every
 * read): there MikroORM's `execute()` cost three to five times the query itself, 250 µs of CPU
 * against 60 µs for the same statement on the connection (bench:api). The connection is one of the
 * ORM's, with the type parsers the ORM sets on each, so rows read exactly as `em.execute()` gives them.
 * Inside a transaction the entity manager's own connection is used, so the statement commits with it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

interface PgConnection {
  query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface KnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(c: PgConnection): Promise<unknown>;
  /** Knex's own `?` → `$n` (a `\?` stays a literal question mark, as in `em.execute()`). */
  positionBindings(sql: string): string;
}

/**
 * Each statement text as PostgreSQL gets it, and the name it is prepared under: a connection parses and
 * plans a statement once, not on every call. Texts past the bound (a list's many filter shapes) run unnamed.
 */
const prepared = new Map<string, { name?: string; text: string }>();
const MAX_PREPARED = 200;

/**
 * The rows of a statement with `?` placeholders, as `em.execute()` would answer them.
 * @param em - the request's or the transaction's entity manager
 */
export async function sql<T>(em: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  if (em.isInTransaction()) return em.execute<T[]>(text, params);
  const client = em.getConnection().getKnex().client as unknown as KnexClient;
  let statement = prepared.get(text);
  if (!statement) {
    const name = prepared.size < MAX_PREPARED ? `vardmote_${prepared.size + 1}` : undefined;
    statement = { name, text: client.positionBindings(text) };
    if (name) prepared.set(text, statement);
  }
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ ...statement, values: params })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
