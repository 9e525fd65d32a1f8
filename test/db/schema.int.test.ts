/** The entities and the migrations describe one schema: the ORM's diff against the migrated test database is empty. */
import { ENTITY_SCHEMAS } from '../../db/entities';
import { connect, TestContext } from '../../testkit/env';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await connect();
});
afterAll(() => ctx?.close());

it('every table of the migrated database has an entity', async () => {
  const rows = await ctx.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ table_name: string }>>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'mikro_orm_migrations'`,
    );
  const tables = rows.map((r) => r.table_name).sort();
  const entityTables = ENTITY_SCHEMAS.map((s) => s.meta.tableName).sort();
  expect(entityTables).toEqual(tables);
});

it('the schema generator finds no difference between the entities and the migrated database', async () => {
  const diff = await ctx.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  expect(diff.trim()).toBe('');
});

it('the access log is append-only in the database: the app role can neither change nor remove a row (Patientdatalagen)', async () => {
  const em = ctx.orm.em.fork();
  await em.execute(
    "insert into audit_log (actor, role, action, target) values ('test', 'system', 'read', 'append-only-test')",
  );
  await expect(
    em.execute("update audit_log set actor = 'someone else' where target = 'append-only-test'"),
  ).rejects.toThrow(/append-only: UPDATE is not allowed/);
  await expect(em.execute("delete from audit_log where target = 'append-only-test'")).rejects.toThrow(
    /append-only: DELETE is not allowed/,
  );
  await expect(em.execute('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
  const rows = await em.execute("select actor from audit_log where target = 'append-only-test'");
  expect(rows).toEqual([{ actor: 'test' }]);
});
