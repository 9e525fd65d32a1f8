/** Connections to the services `npm test` and the benchmarks started (scripts/with-services.ts sets the env). */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, Config } from '../config';
import { dataConverter } from '../temporal/codec';
import { ensureDatabase } from '../db/database';
import { createOrm, migrate, Orm } from '../db/orm';

/** Fails with a clear message when a test needing services is run outside `npm test`. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  if (!process.env.DATABASE_URL || !process.env.TEMPORAL_ADDRESS) {
    throw new Error(
      'DATABASE_URL/TEMPORAL_ADDRESS are unset: run integration tests through `npm test` (scripts/with-services.ts)',
    );
  }
  return loadConfig({ ...process.env, TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`, ...overrides });
}

export interface TestContext {
  config: Config;
  orm: Orm;
  connection: Connection;
  client: Client;
  close(): Promise<void>;
}

export async function connect(overrides: Record<string, string> = {}): Promise<TestContext> {
  const config = testConfig(overrides);
  const orm = await createOrm(config.databaseUrl);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.payloadKeys),
  });
  return {
    config,
    orm,
    connection,
    client,
    close: async () => {
      await connection.close();
      await orm.close();
    },
  };
}

/**
 * A new, migrated database on the test cluster, for a test of what a first start on an empty data
 * folder writes (the test database is shared by every test file of a run). Returns its URL.
 */
export async function freshDatabase(name = `vardmote_${randomUUID().slice(0, 8)}`): Promise<string> {
  const url = new URL(testConfig().databaseUrl);
  const conn = {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: 'postgres',
  };
  await ensureDatabase(conn, name);
  url.pathname = `/${name}`;
  const orm = await createOrm(url.toString());
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
  return url.toString();
}
