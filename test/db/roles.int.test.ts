/**
 * PostgreSQL roles per service (db/roles.ts), on a database of their own in the test cluster: the
 * owner migrates, the app may change data but not the schema, and may only add to the access log.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createOrm, migrate } from '../../db/orm';
import { ensureRoles, grantAppRights, ROLES } from '../../db/roles';

jest.setTimeout(120_000);

const DB = 'vardmote_roles_test';
const admin = process.env.DATABASE_URL!;
const pw = () => randomBytes(18).toString('base64url');
const passwords = { temporal: pw(), owner: pw(), app: pw() };
const urlAs = (role: string, password: string, db = DB) => {
  const u = new URL(admin);
  u.username = role;
  u.password = password;
  u.pathname = `/${db}`;
  return u.toString();
};
let app: pg.Client;

beforeAll(async () => {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`drop database if exists ${DB} with (force)`);
  await c.end();
  await ensureRoles(admin, passwords, DB);
  // Twice: the job runs at every start; the second run changes nothing and fails nothing.
  await ensureRoles(admin, passwords, DB);
  const orm = await createOrm(urlAs(ROLES.owner, passwords.owner));
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
  await grantAppRights(urlAs(ROLES.owner, passwords.owner), ROLES.app);
  app = new pg.Client({ connectionString: urlAs(ROLES.app, passwords.app) });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
});

it('the owner role migrated the schema and owns every table', async () => {
  const { rows } = await app.query<{ tableowner: string }>(
    `select distinct tableowner from pg_tables where schemaname = 'public'`,
  );
  expect(rows.map((r) => r.tableowner)).toEqual([ROLES.owner]);
});

it('the app role reads and writes data', async () => {
  const id = '00000000-0000-4000-8000-00000000aaaa';
  await app.query(
    `insert into care_unit (id, name, hsa_id, region, free_below_age, free_from_age) values ($1, 'Testenheten', 'SE-ROLES-TEST', 'stockholm', 20, 85)`,
    [id],
  );
  await app.query(`update care_unit set name = 'Testenheten 2' where id = $1`, [id]);
  const { rows } = await app.query(`select name from care_unit where id = $1`, [id]);
  expect(rows).toEqual([{ name: 'Testenheten 2' }]);
  await app.query(`delete from care_unit where id = $1`, [id]);
});

it('the app role adds to the access log but cannot update or delete a row of it, even without the trigger', async () => {
  await app.query(`insert into audit_log (actor, role, action, target) values ('test', 'system', 'read', 'roles')`);
  await expect(app.query(`update audit_log set actor = 'x' where target = 'roles'`)).rejects.toThrow(
    /permission denied for table audit_log/,
  );
  await expect(app.query(`delete from audit_log where target = 'roles'`)).rejects.toThrow(
    /permission denied for table audit_log/,
  );
  await expect(app.query(`truncate audit_log`)).rejects.toThrow(/permission denied for table audit_log/);
  // The trigger is the second lock; the owner could drop it, the app cannot.
  await expect(app.query(`drop trigger audit_log_no_change on audit_log`)).rejects.toThrow(/must be owner/);
  const { rows } = await app.query(`select count(*)::int as n from audit_log where target = 'roles'`);
  expect(rows).toEqual([{ n: 1 }]);
});

it('the app role cannot change the schema, the migrations record, or reach Temporal’s databases', async () => {
  await expect(app.query(`create table sneaky (id int)`)).rejects.toThrow(/permission denied for schema public/);
  await expect(app.query(`alter table encounter add column sneaky int`)).rejects.toThrow(/must be owner/);
  await expect(app.query(`delete from mikro_orm_migrations`)).rejects.toThrow(/permission denied/);
  const other = new pg.Client({ connectionString: urlAs(ROLES.app, passwords.app, 'temporal') });
  await expect(other.connect()).rejects.toThrow(/permission denied for database "temporal"/);
  await other.end().catch(() => undefined);
});
