/**
 * PostgreSQL roles per service, so no process holds more than it needs: Temporal owns its two
 * databases; `vardmote_owner` owns Vårdmöte's schema and runs the migrations; `vardmote_app` (web and
 * worker) may read and write data but not change the schema, and may only add to the access log
 * (Patientdatalagen: the log of who read what must not be rewritable by the system it logs).
 */
import pg from 'pg';

export const ROLES = { temporal: 'temporal', owner: 'vardmote_owner', app: 'vardmote_app' } as const;
/** Tables the app may only read and add to. */
const APPEND_ONLY = ['audit_log'];
/** Tables the app may only read: the migrations' own record. */
const READ_ONLY = ['mikro_orm_migrations'];

export interface RolePasswords {
  temporal: string;
  owner: string;
  app: string;
}

/** Runs `fn` with one connection to `url`, closed afterwards. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates (or updates the passwords of) the three roles and their databases; idempotent, so the
 * one-shot job may run at every start and a changed password takes effect. Needs a superuser.
 * @param adminUrl - the superuser's URL to any database of the server (usually `postgres`)
 * @param database - Vårdmöte's database (another name only in tests)
 */
export async function ensureRoles(adminUrl: string, passwords: RolePasswords, database = 'vardmote'): Promise<void> {
  await withClient(adminUrl, async (c) => {
    for (const [key, role] of Object.entries(ROLES) as Array<[keyof RolePasswords, string]>) {
      const exists = await c.query('select 1 from pg_roles where rolname = $1', [role]);
      const password = c.escapeLiteral(passwords[key]);
      await c.query(
        `${exists.rowCount ? 'alter' : 'create'} role ${c.escapeIdentifier(role)} with login nosuperuser nocreatedb nocreaterole password ${password}`,
      );
    }
    for (const [db, owner] of [
      ['temporal', ROLES.temporal],
      ['temporal_visibility', ROLES.temporal],
      [database, ROLES.owner],
    ]) {
      const exists = await c.query('select 1 from pg_database where datname = $1', [db]);
      const [d, o] = [c.escapeIdentifier(db), c.escapeIdentifier(owner)];
      // CREATE DATABASE cannot run in a transaction or take parameters; the names are ours.
      await c.query(exists.rowCount ? `alter database ${d} owner to ${o}` : `create database ${d} owner ${o}`);
    }
    for (const db of [database, 'temporal', 'temporal_visibility'])
      await c.query(`revoke all on database ${c.escapeIdentifier(db)} from public`);
    await c.query(`grant connect on database ${c.escapeIdentifier(database)} to ${ROLES.app}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await withClient(url.toString(), async (c) => {
    // Extensions need a superuser; the slot exclusion constraint needs btree_gist.
    await c.query('create extension if not exists btree_gist');
    await c.query(`revoke create on schema public from public`);
    await c.query(`grant usage on schema public to ${ROLES.app}`);
    // A database from before the roles (tables made by the old single user) passes to the owner role.
    await c.query(`do $$ declare r record; begin
      for r in select tablename from pg_tables where schemaname = 'public' and tableowner <> '${ROLES.owner}' loop
        execute format('alter table public.%I owner to ${ROLES.owner}', r.tablename);
      end loop; end $$`);
  });
}

/**
 * Gives the app role its rights on every table the migrations made: data rights, append-only on the
 * access log, read-only on the migrations' record. Run by the owner after each migration.
 */
export async function grantAppRights(ownerUrl: string, appRole: string): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const app = c.escapeIdentifier(appRole);
    await c.query(`grant usage on schema public to ${app}`);
    await c.query(`grant select, insert, update, delete on all tables in schema public to ${app}`);
    await c.query(`grant usage, select, update on all sequences in schema public to ${app}`);
    for (const t of APPEND_ONLY) await c.query(`revoke update, delete, truncate on ${t} from ${app}`);
    for (const t of READ_ONLY) await c.query(`revoke insert, update, delete, truncate on ${t} from ${app}`);
  });
}
