/** The entities and the migrations describe one schema: the ORM's diff against the migrated test database is empty. */
import { ENTITY_SCHEMAS } from '../../db/entities';
import { connect, TestContext } from '../support/env';

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
