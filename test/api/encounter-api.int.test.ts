/** The encounter API driven over HTTP with real logins, from creation to closed, plus its error answers. */
import request from 'supertest';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { ALL_CHECKED, FAST_POLICY, YES } from '../../testkit/drive';
import { useApiStack } from '../support/app';
import { LoggedIn, login, machineToken } from '../../testkit/login';

jest.setTimeout(60_000);

const stack = useApiStack();
let f: FixtureWith<'staff' | 'guardian' | 'other-clinician'>;
let admin: LoggedIn;
let clinician: LoggedIn;
let patient: LoggedIn;

beforeAll(async () => {
  f = await makeFixture(stack.ctx.orm, { with: ['staff', 'guardian', 'other-clinician'] });
  admin = await login(stack.app, { hsaId: f.staff.careAdmin });
  clinician = await login(stack.app, { hsaId: f.staff.clinician });
  patient = await login(stack.app, { personnummer: f.adultPnr, name: 'Vuxen Testsson' });
});

async function waitForStatus(id: string, status: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const res = await admin.get(`/api/encounters/${id}`);
    if (res.body.state?.status === status) return res.body;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`encounter ${id} never reached ${status}`);
}

it('drives one encounter from creation to closed over HTTP, each step by the person whose step it is', async () => {
  const created = await admin
    .post('/api/encounters', {
      personnummer: f.adultPnr,
      careUnitId: f.unitId,
      reason: 'Uppföljning',
      policy: FAST_POLICY,
    })
    .expect(201);
  const id = created.body.id as string;
  expect(created.headers.location).toBe(`/api/encounters/${id}`);

  const elig = await clinician.post(`/api/encounters/${id}/eligibility`, { answers: YES }).expect(200);
  expect(elig.body.status).toBe('identity');
  // The identity step is the patient's own e-ID login: no body.
  const ident = await patient.post(`/api/encounters/${id}/identity`, {}).expect(200);
  expect(ident.body.status).toBe('booking');
  expect(ident.body.identity).toEqual({ personnummer: f.adultPnr, actingAs: 'self' });
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 3);
  const booked = await patient.post(`/api/encounters/${id}/booking`, { slotId: slot.id }).expect(200);
  expect(booked.body.status).toBe('pre-meeting');

  await waitForStatus(id, 'video');
  const token = await machineToken('participants');
  await request(stack.app)
    .post(`/api/encounters/${id}/participants`)
    .set('authorization', `Bearer ${token}`)
    .send({ role: 'patient', event: 'joined' })
    .expect(202);
  await clinician.post(`/api/encounters/${id}/checklist`, { items: ALL_CHECKED }).expect(200);
  for (let i = 0; i < 50 && !(await admin.get(`/api/encounters/${id}`)).body.state.patientPresent; i++)
    await new Promise((r) => setTimeout(r, 100));
  await clinician.post(`/api/encounters/${id}/admit`, {}).expect(200);
  const ended = await clinician.post(`/api/encounters/${id}/end`, {}).expect(200);
  expect(ended.body.status).toBe('documentation');
  await clinician.post(`/api/encounters/${id}/journal-note`, { text: 'Besöket genomfört via video.' }).expect(200);

  const closed = await waitForStatus(id, 'closed');
  expect(closed).toMatchObject({ status: 'closed', patientName: 'Vuxen Testsson', clinicianName: 'Maria Test' });
  expect((closed.state as { charges: unknown[] }).charges).toEqual([
    expect.objectContaining({ kind: 'visit', chargeOre: 27_500 }),
  ]);

  // The list reads the projection, which follows the workflow by one activity.
  let listed: string[] = [];
  for (let i = 0; i < 50 && !listed.includes(id); i++) {
    const list = await admin.get('/api/encounters').query({ status: 'closed', careUnitId: f.unitId }).expect(200);
    listed = list.body.items.map((it: { id: string }) => it.id);
    if (!listed.includes(id)) await new Promise((r) => setTimeout(r, 100));
  }
  expect(listed).toContain(id);
  // PDL: every read and change names the real person (HSA-id or personnummer), the request and the address.
  const audit = await stack.ctx.orm.em.fork().execute<
    Array<{
      actor: string;
      action: string;
      outcome: string;
      request_id: string | null;
      client_address: string | null;
    }>
  >('select actor, action, outcome, request_id, client_address from audit_log where patient_id = ? order by id', [f.adultId]);
  expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual(
    expect.arrayContaining([
      `${f.staff.careAdmin} create`,
      `${f.staff.careAdmin} read`,
      `${f.staff.careAdmin} list`,
      `${f.staff.clinician} update:answerEligibility`,
      `${f.adultPnr} update:recordIdentity`,
      `${f.adultPnr} update:book`,
      `${f.staff.clinician} update:submitJournalNote`,
    ]),
  );
  expect(audit.every((a) => a.request_id && a.client_address)).toBe(true);
});

it("one encounter's state is the projection's, without a workflow query; ?live=true asks the workflow", async () => {
  const created = await admin
    .post('/api/encounters', {
      personnummer: f.adultPnr,
      careUnitId: f.unitId,
      reason: 'Kontroll',
      policy: FAST_POLICY,
    })
    .expect(201);
  const id = created.body.id as string;
  await clinician.post(`/api/encounters/${id}/eligibility`, { answers: YES }).expect(200);
  const read = async (q = '') => (await admin.get(`/api/encounters/${id}${q}`).expect(200)).body;
  // The update's own projection is there when it answers: both reads agree.
  const projected = await read();
  expect(projected.state.status).toBe('identity');
  expect((await read('?live=true')).state).toEqual(projected.state);
  // Marked in the projection only: the plain read shows the mark, the live one the workflow's answer.
  await stack.ctx.orm.em
    .fork()
    .getConnection()
    .execute(`update encounter_state set state = jsonb_set(state, '{modality}', '"phone"') where encounter_id = ?`, [
      id,
    ]);
  expect((await read()).state.modality).toBe('phone');
  expect((await read('?live=true')).state.modality).toBe('video');
  const bad = await admin.get(`/api/encounters/${id}?live=ja`).expect(400);
  expect(JSON.stringify(bad.body)).toContain('live');
});

it('a patient sees only their own encounters; a machine client reads with a read scope only', async () => {
  const mine = await admin
    .post('/api/encounters', { patientId: f.adultId, careUnitId: f.unitId, policy: FAST_POLICY })
    .expect(201);
  const childs = await admin
    .post('/api/encounters', { patientId: f.childId, careUnitId: f.unitId, policy: FAST_POLICY })
    .expect(201);
  const list = await patient.get('/api/encounters').expect(200);
  const ids = list.body.items.map((i: { id: string }) => i.id);
  expect(ids).toContain(mine.body.id);
  expect(ids).not.toContain(childs.body.id);
  await patient.get(`/api/encounters/${childs.body.id}`).expect(404);
  // The child's guardian may (the child is under 13).
  const guardian = await login(stack.app, { personnummer: f.guardianPnr });
  await guardian.get(`/api/encounters/${childs.body.id}`).expect(200);

  const reader = await machineToken('encounters:read');
  await request(stack.app).get(`/api/encounters/${mine.body.id}`).set('authorization', `Bearer ${reader}`).expect(200);
  await request(stack.app)
    .post('/api/encounters')
    .set('authorization', `Bearer ${reader}`)
    .send({ patientId: f.adultId, careUnitId: f.unitId })
    .expect(403);
  await request(stack.app).get('/api/encounters').set('authorization', 'Bearer not.a.token').expect(401);
  for (const e of [mine, childs])
    await admin.post(`/api/encounters/${e.body.id}/cancel`, { reason: 'test klart' }).expect(200);
});

describe('errors', () => {
  it('400 names the field; nothing is created', async () => {
    const before = await stack.ctx.orm.em.fork().execute<Array<{ n: string }>>('select count(*) as n from encounter');
    const res = await admin.post('/api/encounters', { patientId: f.adultId, careUnitId: 'not-a-uuid' }).expect(400);
    expect(res.body).toMatchObject({ error: 'validation', field: 'careUnitId' });
    const bad = await admin.post('/api/encounters', { personnummer: '811228-9875', careUnitId: f.unitId }).expect(400);
    expect(bad.body).toMatchObject({ error: 'checksum', field: 'personnummer' });
    const policy = await admin
      .post('/api/encounters', { patientId: f.adultId, careUnitId: f.unitId, policy: { noShowGraceSeconds: -1 } })
      .expect(400);
    expect(policy.body.field).toBe('policy.noShowGraceSeconds');
    const after = await stack.ctx.orm.em.fork().execute<Array<{ n: string }>>('select count(*) as n from encounter');
    expect(after[0].n).toBe(before[0].n);
  });

  it('401 without a login, 404 for unknown encounter or patient, 409 for a wrong step, 403 for a wrong role', async () => {
    await request(stack.app).get('/api/encounters').expect(401);
    await admin.get('/api/encounters/7a1c0a57-1111-4111-8111-111111111111').expect(404);
    const missing = await admin
      .post('/api/encounters', { patientId: '7a1c0a57-1111-4111-8111-111111111111', careUnitId: f.unitId })
      .expect(404);
    expect(missing.body.field).toBe('patientId');
    const created = await admin
      .post('/api/encounters', { patientId: f.adultId, careUnitId: f.unitId, policy: FAST_POLICY })
      .expect(201);
    const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 600);
    const wrongStep = await admin.post(`/api/encounters/${created.body.id}/booking`, { slotId: slot.id }).expect(409);
    expect(wrongStep.body).toMatchObject({ error: 'WrongStep', message: expect.stringContaining('eligibility') });
    // A patient is not a clinician: the authorization layer refuses before the workflow is asked.
    const wrongRole = await patient
      .post(`/api/encounters/${created.body.id}/eligibility`, { answers: YES })
      .expect(403);
    expect(wrongRole.body).toMatchObject({ error: 'forbidden' });
    const missingAnswer = await clinician
      .post(`/api/encounters/${created.body.id}/eligibility`, { answers: { ...YES, suitsPatient: undefined } })
      .expect(400);
    expect(missingAnswer.body.field).toBe('answers.suitsPatient');
    await admin.post(`/api/encounters/${created.body.id}/cancel`, { reason: 'test klart' }).expect(200);
    const refused = await stack.ctx.orm.em
      .fork()
      .execute<Array<{ n: string }>>("select count(*) as n from audit_log where actor = ? and outcome = 'refused'", [
        f.adultPnr,
      ]);
    expect(Number(refused[0].n)).toBeGreaterThan(0);
  });

  it('booking refuses a slot of another care unit and one that has already started', async () => {
    const other = await makeFixture(stack.ctx.orm);
    const created = await admin
      .post('/api/encounters', { patientId: f.adultId, careUnitId: f.unitId, policy: FAST_POLICY })
      .expect(201);
    const id = created.body.id as string;
    await clinician.post(`/api/encounters/${id}/eligibility`, { answers: YES }).expect(200);
    await patient.post(`/api/encounters/${id}/identity`, {}).expect(200);
    const foreign = await makeSlot(stack.ctx.orm, other.clinicianId, 600);
    const r1 = await admin.post(`/api/encounters/${id}/booking`, { slotId: foreign.id }).expect(409);
    expect(r1.body).toMatchObject({ field: 'slotId', message: expect.stringContaining('another care unit') });
    const started = await makeSlot(stack.ctx.orm, f.otherClinicianId, -60, 30);
    const r2 = await admin.post(`/api/encounters/${id}/booking`, { slotId: started.id }).expect(409);
    expect(r2.body).toMatchObject({ field: 'slotId', message: expect.stringContaining('already started') });
    await admin.post(`/api/encounters/${id}/cancel`, { reason: 'test klart' }).expect(200);
  });
});

it('the list pages by cursor: the next page continues after the last row, whatever the depth; a bad cursor is a 400', async () => {
  const g = await makeFixture(stack.ctx.orm, { with: ['staff', 'guardian'] });
  const staff = await login(stack.app, { hsaId: g.staff.careAdmin });
  const ids: string[] = [];
  for (const p of [g.adultId, g.childId, g.guardianId])
    ids.push(
      (await staff.post('/api/encounters', { patientId: p, careUnitId: g.unitId, policy: FAST_POLICY }).expect(201))
        .body.id,
    );
  const first = (await staff.get('/api/encounters').query({ careUnitId: g.unitId, pageSize: 2 }).expect(200)).body;
  expect(first.items).toHaveLength(2);
  expect(first.total).toBe(3);
  const second = (
    await staff.get('/api/encounters').query({ careUnitId: g.unitId, pageSize: 2, after: first.nextCursor }).expect(200)
  ).body;
  const seen = [...first.items, ...second.items].map((i: { id: string }) => i.id);
  expect(new Set(seen)).toEqual(new Set(ids));
  expect(second.nextCursor).toBeNull();
  const oldest = (
    await staff.get('/api/encounters').query({ careUnitId: g.unitId, sort: 'oldest', pageSize: 3 }).expect(200)
  ).body;
  expect(oldest.items.map((i: { id: string }) => i.id)).toEqual(
    [...first.items, ...second.items].map((i: { id: string }) => i.id).reverse(),
  );
  const bad = await staff.get('/api/encounters').query({ after: 'bm90LWEtY3Vyc29y' }).expect(400);
  expect(bad.body.field).toBe('after');
  for (const id of ids) await staff.post(`/api/encounters/${id}/cancel`, { reason: 'test klart' }).expect(200);
});
