/** MikroORM set-up: one ORM per process, migrations from an explicit list (no file globbing). */
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITY_SCHEMAS } from './entities';
import { PostgresDefaultNamingStrategy } from './naming';
import { MigrationFoundation } from './migrations/20261123-foundation';
import { MigrationEncounter } from './migrations/20261123-encounter';
import { MigrationVideo } from './migrations/20261123-video';
import { MigrationIdentity } from './migrations/20261124-identity';
import { MigrationBackoffice } from './migrations/20261124-backoffice';
import { MigrationFinance } from './migrations/20261124-finance';
import { MigrationMessages } from './migrations/20261124-messages';
import { MigrationIdempotency } from './migrations/20261129-idempotency';
import { MigrationScoping } from './migrations/20261202-scoping';
import { MigrationJournal } from './migrations/20261202-journal';
import { MigrationRegistration } from './migrations/20261202-registration';
import { MigrationSummaryJournal } from './migrations/20261202-summary-journal';
import { MigrationReminders } from './migrations/20261205-reminders';
import { MigrationRating } from './migrations/20261205-rating';
import { MigrationSms } from './migrations/20261205-sms';

export const MIGRATIONS = [
  { name: '20261123-foundation', class: MigrationFoundation },
  { name: '20261123-encounter', class: MigrationEncounter },
  { name: '20261123-video', class: MigrationVideo },
  { name: '20261124-identity', class: MigrationIdentity },
  { name: '20261124-backoffice', class: MigrationBackoffice },
  { name: '20261124-finance', class: MigrationFinance },
  { name: '20261124-messages', class: MigrationMessages },
  { name: '20261129-idempotency', class: MigrationIdempotency },
  { name: '20261202-scoping', class: MigrationScoping },
  { name: '20261202-journal', class: MigrationJournal },
  { name: '20261202-registration', class: MigrationRegistration },
  { name: '20261202-summary-journal', class: MigrationSummaryJournal },
  { name: '20261205-reminders', class: MigrationReminders },
  { name: '20261205-rating', class: MigrationRating },
  { name: '20261205-sms', class: MigrationSms },
];

export type Orm = MikroORM;

/**
 * Connects to PostgreSQL.
 * @param databaseUrl - postgres://user:pass@host:port/db
 */
export async function createOrm(databaseUrl: string, opts: { poolMax?: number } = {}): Promise<Orm> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: ENTITY_SCHEMAS,
    namingStrategy: PostgresDefaultNamingStrategy,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: opts.poolMax ?? 10 },
    debug: false,
    // The database is the shared truth for several processes: never cache identity across requests.
    allowGlobalContext: false,
  });
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

/** The server's version string; also the health probe's round trip. */
export async function databaseVersion(orm: Orm): Promise<string> {
  // No table involved: a plain statement on the connection.
  const [row] = await orm.em.getConnection().execute<Array<{ version: string }>>('select version() as version');
  return row.version;
}
