/** The encounter API driven with supertest only, from creation to closed, plus its error answers. */
import request from 'supertest';
import { Fixture, makeFixture, makeSlot } from '../support/fixtures';
import { ALL_CHECKED, FAST_POLICY, YES } from '../support/encounters';
import { useApiStack } from '../support/app';

jest.setTimeout(60_000);

const stack = useApiStack();
let f: Fixture;

beforeAll(async () => {
  f = await makeFixture(stack.ctx.orm);
});

const as = (role: string, id: string) => ({ 'x-actor-id': id, 'x-actor-role': role });
const adminH = () => as('admin', 'admin-7');
const clinH = () => as('clinician', f.clinicianId);

async function waitForStatus(id: string, status: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const res = await request(stack.app).get(`/api/encounters/${id}`).set(adminH());
    if (res.body.state?.status === status) return res.body;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`encounter ${id} never reached ${status}`);
}

it('drives one encounter from creation to closed over HTTP', async () => {
  const created = await request(stack.app)
    .post('/api/encounters')
    .set(adminH())
    .send({ personnummer: f.adultPnr, careUnitId: f.unitId, reason: 'Uppföljning', policy: FAST_POLICY })
    .expect(201);
  const id = created.body.id as string;
  expect(created.headers.location).toBe(`/api/encounters/${id}`);

  const elig = await request(stack.app)
    .post(`/api/encounters/${id}/eligibility`)
    .set(clinH())
    .send({ answers: YES })
    .expect(200);
  expect(elig.body.status).toBe('identity');
  const ident = await request(stack.app)
    .post(`/api/encounters/${id}/identity`)
    .set(as('patient', 'p'))
    .send({ assertion: { personnummer: f.adultPnr } })
    .expect(200);
  expect(ident.body.status).toBe('booking');
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 3);
  const booked = await request(stack.app)
    .post(`/api/encounters/${id}/booking`)
    .set(adminH())
    .send({ slotId: slot.id })
    .expect(200);
  expect(booked.body.status).toBe('pre-meeting');

  await waitForStatus(id, 'video');
  await request(stack.app)
    .post(`/api/encounters/${id}/participants`)
    .set(as('system', 'janus'))
    .send({ role: 'patient', event: 'joined' })
    .expect(202);
  await request(stack.app)
    .post(`/api/encounters/${id}/checklist`)
    .set(clinH())
    .send({ items: ALL_CHECKED })
    .expect(200);
  for (
    let i = 0;
    i < 50 && !(await request(stack.app).get(`/api/encounters/${id}`).set(adminH())).body.state.patientPresent;
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  await request(stack.app).post(`/api/encounters/${id}/admit`).set(clinH()).send({}).expect(200);
  const ended = await request(stack.app).post(`/api/encounters/${id}/end`).set(clinH()).send({}).expect(200);
  expect(ended.body.status).toBe('documentation');
  await request(stack.app)
    .post(`/api/encounters/${id}/journal-note`)
    .set(clinH())
    .send({ text: 'Besöket genomfört via video.' })
    .expect(200);

  const closed = await waitForStatus(id, 'closed');
  expect(closed).toMatchObject({ status: 'closed', patientName: 'Vuxen Testsson', clinicianName: 'Maria Test' });
  expect((closed.state as { charges: unknown[] }).charges).toEqual([
    expect.objectContaining({ kind: 'visit', chargeOre: 27_500 }),
  ]);

  // The list reads the projection, which follows the workflow by one activity.
  let listed: string[] = [];
  for (let i = 0; i < 50 && !listed.includes(id); i++) {
    const list = await request(stack.app)
      .get('/api/encounters')
      .query({ status: 'closed', careUnitId: f.unitId })
      .set(adminH())
      .expect(200);
    listed = list.body.items.map((it: { id: string }) => it.id);
    if (!listed.includes(id)) await new Promise((r) => setTimeout(r, 100));
  }
  expect(listed).toContain(id);
  const audit = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ action: string }>>('select action from audit_log where patient_id = ? order by id', [f.adultId]);
  expect(audit.map((a) => a.action)).toEqual(
    expect.arrayContaining(['create', 'read', 'list', 'update:answerEligibility', 'update:submitJournalNote']),
  );
});

describe('errors', () => {
  it('400 names the field; nothing is created', async () => {
    const before = await stack.ctx.orm.em.fork().execute<Array<{ n: string }>>('select count(*) as n from encounter');
    const res = await request(stack.app)
      .post('/api/encounters')
      .set(adminH())
      .send({ patientId: f.adultId, careUnitId: 'not-a-uuid' })
      .expect(400);
    expect(res.body).toMatchObject({ error: 'validation', field: 'careUnitId' });
    const bad = await request(stack.app)
      .post('/api/encounters')
      .set(adminH())
      .send({ personnummer: '811228-9875', careUnitId: f.unitId })
      .expect(400);
    expect(bad.body).toMatchObject({ error: 'checksum', field: 'personnummer' });
    const policy = await request(stack.app)
      .post('/api/encounters')
      .set(adminH())
      .send({ patientId: f.adultId, careUnitId: f.unitId, policy: { noShowGraceSeconds: -1 } })
      .expect(400);
    expect(policy.body.field).toBe('policy.noShowGraceSeconds');
    const after = await stack.ctx.orm.em.fork().execute<Array<{ n: string }>>('select count(*) as n from encounter');
    expect(after[0].n).toBe(before[0].n);
  });

  it('401 without an actor, 404 for unknown encounter or patient, 409 for a wrong step, 403 for a wrong actor', async () => {
    await request(stack.app).get('/api/encounters').expect(401);
    await request(stack.app).get('/api/encounters/7a1c0a57-1111-4111-8111-111111111111').set(adminH()).expect(404);
    const missing = await request(stack.app)
      .post('/api/encounters')
      .set(adminH())
      .send({ patientId: '7a1c0a57-1111-4111-8111-111111111111', careUnitId: f.unitId })
      .expect(404);
    expect(missing.body.field).toBe('patientId');
    const created = await request(stack.app)
      .post('/api/encounters')
      .set(adminH())
      .send({ patientId: f.adultId, careUnitId: f.unitId, policy: FAST_POLICY })
      .expect(201);
    const wrongStep = await request(stack.app)
      .post(`/api/encounters/${created.body.id}/booking`)
      .set(adminH())
      .send({ slotId: '7a1c0a57-1111-4111-8111-111111111111' })
      .expect(409);
    expect(wrongStep.body).toMatchObject({ error: 'WrongStep', message: expect.stringContaining('eligibility') });
    const wrongActor = await request(stack.app)
      .post(`/api/encounters/${created.body.id}/eligibility`)
      .set(as('patient', 'p'))
      .send({ answers: YES })
      .expect(403);
    expect(wrongActor.body).toMatchObject({ error: 'WrongActor', field: 'actor' });
    const missingAnswer = await request(stack.app)
      .post(`/api/encounters/${created.body.id}/eligibility`)
      .set(clinH())
      .send({ answers: { ...YES, suitsPatient: undefined } })
      .expect(400);
    expect(missingAnswer.body.field).toBe('answers.suitsPatient');
    await request(stack.app)
      .post(`/api/encounters/${created.body.id}/cancel`)
      .set(adminH())
      .send({ reason: 'test klart' })
      .expect(200);
  });
});
