/**
 * db/sql.ts: plain statements on the ORM's own connections. Rows read as em.execute() gives them; in a
 * transaction a statement commits or rolls back with it; an array is one value (the access log's rows).
 */
import { randomUUID } from 'node:crypto';
import { connect, TestContext } from '../../testkit/env';
import { makeFixture } from '../../testkit/fixtures';
import { sql } from '../../db/sql';
import { writeAccessLog } from '../../db/access-log';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await connect();
});
afterAll(async () => {
  await ctx?.close();
});

const rowsFor = (target: string) =>
  ctx.orm.em
    .fork()
    .execute<Array<{ patient_id: string | null }>>('select patient_id from audit_log where target = ? order by id', [
      target,
    ]);

it('reads rows exactly as em.execute() does, prepared or not', async () => {
  const text = 'select now() as at, 12.5::numeric as n, \'{"a":1}\'::jsonb as j, ? as s';
  const em = ctx.orm.em.fork();
  const orm = await em.execute(text.replace('now()', "'2026-12-06T10:00:00Z'::timestamptz"), ['x']);
  for (const prepare of [false, true, true])
    expect(await sql(em, text.replace('now()', "'2026-12-06T10:00:00Z'::timestamptz"), ['x'], { prepare })).toEqual(
      orm,
    );
});

it('an access-log row written in a transaction that fails is gone with it; one row per patient otherwise', async () => {
  const f = await makeFixture(ctx.orm, { with: ['guardian'] });
  const failed = `test:${randomUUID()}`;
  await expect(
    ctx.orm.em.fork().transactional(async (tx) => {
      await writeAccessLog(tx, { actor: 'x', role: 'machine', action: 'read', target: failed }, [f.adultId], f.unitId);
      expect(await sql(tx, 'select count(*)::int as n from audit_log where target = ?', [failed])).toEqual([{ n: 1 }]);
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await rowsFor(failed)).toEqual([]);

  const kept = `test:${randomUUID()}`;
  await writeAccessLog(ctx.orm.em.fork(), { actor: 'x', role: 'machine', action: 'list', target: kept }, [
    { patientId: f.adultId, careUnitId: f.unitId },
    { patientId: f.childId, careUnitId: null },
  ]);
  expect(await rowsFor(kept)).toEqual([{ patient_id: f.adultId }, { patient_id: f.childId }]);
  const none = `test:${randomUUID()}`;
  await writeAccessLog(ctx.orm.em.fork(), { actor: 'x', role: 'machine', action: 'list', target: none }, []);
  expect(await rowsFor(none)).toEqual([{ patient_id: null }]);
});
