/** MikroORM set-up: one ORM per process, migrations from an explicit list (no file globbing). */
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
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
import { MigrationRateLimits } from './migrations/20261208-rate-limits';
import { MigrationVideoServer } from './migrations/20261209-video-server';
import { MigrationAccessibility } from './migrations/20261210-accessibility';
import { MigrationPatientLanguage } from './migrations/20261211-patient-language';
import { MigrationParticipants } from './migrations/20261211-participants';
import { MigrationEncounterState } from './migrations/20261212-encounter-state';

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
  { name: '20261208-rate-limits', class: MigrationRateLimits },
  { name: '20261209-video-server', class: MigrationVideoServer },
  { name: '20261210-accessibility', class: MigrationAccessibility },
  { name: '20261211-patient-language', class: MigrationPatientLanguage },
  { name: '20261211-participants', class: MigrationParticipants },
  { name: '20261212-encounter-state', class: MigrationEncounterState },
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

/** The advisory lock all migration runs take: two at once (replicas starting together) run one after the other. */
const MIGRATION_LOCK = 0x76617264; // 'vard'

/**
 * Applies pending migrations, one process at a time; returns the names applied.
 * @param after - run still holding the lock (the app role's grants: two at once can collide)
 */
export async function migrate(orm: Orm, after?: () => Promise<void>): Promise<string[]> {
  // A session-level lock on a connection of its own, held while the migrator works on the pool.
  const lock = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  lock.on('error', () => undefined); // a lost connection releases the lock; the migrator's own query fails
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    await after?.();
    return applied.map((m) => m.name);
  } finally {
    await lock.end(); // ends the session, and with it the lock
  }
}

/** The server's version string; also the health probe's round trip. */
export async function databaseVersion(orm: Orm): Promise<string> {
  // No table involved: a plain statement on the connection.
  const [row] = await orm.em.getConnection().execute<Array<{ version: string }>>('select version() as version');
  return row.version;
}
