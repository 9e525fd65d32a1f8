/**
 * Races and crashes around creating an encounter (issue 16): concurrent retries with one
 * Idempotency-Key make one encounter; a crash between starting the workflow and writing its row
 * leaves neither an orphan row nor a workflow without its row (failures injected).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createEncounter, type CreateFaults } from '../../api/encounters/service';
import { encounterWorkflowId } from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { admin, FAST_POLICY } from '../../testkit/drive';
import { Fixture, makeFixture } from '../../testkit/fixtures';
import { machineToken } from '../../testkit/login';

jest.setTimeout(120_000);
const stack = useApiStack();
let token: string;
beforeAll(async () => {
  token = await machineToken('encounters:read encounters:write');
});

const rows = <T>(sql: string, params: unknown[]) => stack.ctx.orm.em.fork().execute<T[]>(sql, params);
const encountersOf = async (patientId: string) =>
  (await rows<{ n: string }>('select count(*) as n from encounter where patient_id = ?', [patientId]))[0].n;
const post = (body: object, key?: string) => {
  const t = request(stack.app).post('/api/encounters').set('authorization', `Bearer ${token}`);
  return (key ? t.set('idempotency-key', key) : t).send(body);
};

it('20 concurrent identical POST /api/encounters with one Idempotency-Key make one encounter: one 201, 19 × 200', async () => {
  const g = await makeFixture(stack.ctx.orm);
  const key = `create-${randomUUID()}`;
  const body = { patientId: g.adultId, careUnitId: g.unitId, reason: 'Utslag', policy: FAST_POLICY };
  const answers = await Promise.all(Array.from({ length: 20 }, () => post(body, key)));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses).toEqual([...Array(19).fill(200), 201]);
  expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
  expect(await encountersOf(g.adultId)).toBe('1');
  const id = answers[0].body.id as string;
  await stack.ctx.client.workflow.getHandle(encounterWorkflowId(id)).describe();
  // Every request is in the access log with its caller: one create, 19 replays.
  const logged = await rows<{ replay: boolean | null }>(
    `select (detail->>'idempotentReplay')::boolean as replay from audit_log where action = 'create' and target = ?`,
    [`encounter:${id}`],
  );
  expect(logged.filter((l) => l.replay).length).toBe(19);
  expect(logged.length).toBe(20);

  // Later, the same key with the same request answers the same encounter; with another request, 422.
  expect((await post(body, key).expect(200)).body.id).toBe(id);
  const other = await post({ ...body, reason: 'Något annat' }, key).expect(422);
  expect(other.body).toMatchObject({ field: 'Idempotency-Key' });
  expect(await encountersOf(g.adultId)).toBe('1');
  // Without a key, every request is a new encounter.
  await post(body).expect(201);
  expect(await encountersOf(g.adultId)).toBe('2');
});

it('a malformed Idempotency-Key is a 400 naming the header, and nothing is written', async () => {
  const g = await makeFixture(stack.ctx.orm);
  const res = await post({ patientId: g.adultId, careUnitId: g.unitId }, 'x'.repeat(201)).expect(400);
  expect(res.body.field).toBe('Idempotency-Key');
  expect(await encountersOf(g.adultId)).toBe('0');
});

describe('a crash while creating (injected)', () => {
  const create = (g: Fixture, key: string, faults: CreateFaults) =>
    createEncounter(
      stack.ctx.orm.em.fork(),
      stack.ctx.client,
      stack.ctx.config.temporal.taskQueue,
      admin,
      { patientId: g.adultId, careUnitId: g.unitId, policy: FAST_POLICY },
      async () => undefined,
      { idempotency: { caller: 'test', key }, faults },
    );

  it('after the workflow started but before its row: the workflow writes its own row; a retry finds it', async () => {
    const g = await makeFixture(stack.ctx.orm);
    const key = randomUUID();
    const crash = () => Promise.reject(new Error('injected crash after the workflow started'));
    await expect(create(g, key, { afterWorkflowStart: crash })).rejects.toThrow('injected crash');
    const [{ id }] = await rows<{ id: string }>('select encounter_id as id from idempotency_key where key = ?', [key]);
    await stack.ctx.client.workflow.getHandle(encounterWorkflowId(id)).describe();
    // The workflow's first projection creates the row: no workflow is left without one.
    const deadline = Date.now() + 15_000;
    while ((await encountersOf(g.adultId)) !== '1' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await encountersOf(g.adultId)).toBe('1');
    const retried = await create(g, key, {});
    expect(retried).toMatchObject({ id, replayed: true });
    expect(await encountersOf(g.adultId)).toBe('1');
  });

  it('before the workflow started: no row and no workflow; a retry with the key creates exactly one', async () => {
    const g = await makeFixture(stack.ctx.orm);
    const key = randomUUID();
    const crash = () => Promise.reject(new Error('injected crash before the workflow started'));
    await expect(create(g, key, { beforeWorkflowStart: crash })).rejects.toThrow('injected crash');
    const [{ id }] = await rows<{ id: string }>('select encounter_id as id from idempotency_key where key = ?', [key]);
    await expect(stack.ctx.client.workflow.getHandle(encounterWorkflowId(id)).describe()).rejects.toThrow(
      WorkflowNotFoundError,
    );
    expect(await encountersOf(g.adultId)).toBe('0');
    const retried = await create(g, key, {});
    expect(retried).toMatchObject({ id, replayed: false });
    expect(await encountersOf(g.adultId)).toBe('1');
  });
});
