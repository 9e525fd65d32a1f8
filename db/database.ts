/** Creating the application database on a fresh embedded cluster: cluster-level SQL, before any ORM can connect. */
import pg from 'pg';

/**
 * Creates database `name` unless it exists.
 * @param conn - a superuser connection to the cluster's `postgres` database
 */
export async function ensureDatabase(conn: pg.ClientConfig, name: string): Promise<void> {
  const client = new pg.Client(conn);
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
