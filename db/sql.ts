/**
 * One SQL statement on a connection of the ORM's own pool, without the ORM's per-statement machinery.
 * For the hottest statements (an encounter's row and state, the list, the access-log row of every
 * read): there MikroORM's `execute()` cost three to five times the query itself, 250 µs of CPU
 * against 60 µs for the same statement on the connection (bench:api). The connection is one of the
 * ORM's, with the type parsers the ORM sets on each, so rows read exactly as `em.execute()` gives them.
 * Inside a transaction the transaction's own connection is used, so the statement commits with it.
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';

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
 * The statements asked to be prepared (one fixed text each): the name a connection parses and plans
 * it under once, instead of on every call. A name PostgreSQL refuses later (a migration changed a
 * column it returns while this process ran) is dropped, and the statement runs unnamed from then on.
 */
const names = new Map<string, string | null>();
const positioned = new Map<string, string>();
/** A bound on the names (each connection keeps its statements): past it, statements run unnamed. */
const MAX_NAMES = 100;
/** Cached plan must not change result type; prepared statement does not exist. */
const STALE_PLAN = new Set(['0A000', '26000']);

/**
 * The rows of a statement with `?` placeholders, as `em.execute()` would answer them.
 * @param em - the request's or the transaction's entity manager
 * @param opts.prepare - a statement of few texts run often (not one built per call): prepared once per connection
 */
export async function sql<T>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
  opts: { prepare?: boolean } = {},
): Promise<T[]> {
  // In a transaction, on its connection through knex (which, unlike em.execute(), keeps an array one value).
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) return ((await trx.raw(text, params as Knex.RawBinding[])) as { rows: T[] }).rows;
  const client = em.getConnection().getKnex().client as unknown as KnexClient;
  let statement = positioned.get(text);
  if (statement === undefined) {
    statement = client.positionBindings(text);
    if (opts.prepare) positioned.set(text, statement);
  }
  if (opts.prepare && !names.has(text)) names.set(text, names.size < MAX_NAMES ? `vardmote_${names.size + 1}` : null);
  const name = opts.prepare ? (names.get(text) ?? undefined) : undefined;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name, text: statement, values: params })).rows as T[];
  } catch (err) {
    if (!name || !STALE_PLAN.has((err as { code?: string }).code ?? '')) throw err;
    names.set(text, null);
    return (await connection.query({ text: statement, values: params })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
