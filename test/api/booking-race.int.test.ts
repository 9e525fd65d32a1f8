/**
 * Races on one slot (issue 16): 50 encounters try to book the same slot at the same moment through
 * the API; exactly one wins, the other 49 get a 409 naming the slot, and the database holds one
 * live booking — the exclusion constraint and the booking activity agree under load.
 */
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { FAST_POLICY, YES } from '../../testkit/drive';
import { useApiStack } from '../support/app';
import { LoggedIn, login } from '../../testkit/login';

jest.setTimeout(120_000);
const stack = useApiStack();
const N = 50;

it(`${N} concurrent bookings of one slot: one wins, ${N - 1} get 409, one live booking`, async () => {
  const f: FixtureWith<'staff'> = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const admin: LoggedIn = await login(stack.app, { hsaId: f.staff.careAdmin });
  const clinician: LoggedIn = await login(stack.app, { hsaId: f.staff.clinician });
  const patient: LoggedIn = await login(stack.app, { personnummer: f.adultPnr });
  // N encounters of the same patient, each waiting in the booking step (10 at a time to set up).
  const ids: string[] = [];
  for (let i = 0; i < N; i += 10) {
    ids.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, N - i) }, async () => {
          const created = await admin
            .post('/api/encounters', { patientId: f.adultId, careUnitId: f.unitId, policy: FAST_POLICY })
            .expect(201);
          const id = created.body.id as string;
          await clinician.post(`/api/encounters/${id}/eligibility`, { answers: YES }).expect(200);
          await patient.post(`/api/encounters/${id}/identity`, {}).expect(200);
          return id;
        }),
      )),
    );
  }
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 3600, 30);

  const answers = await Promise.all(ids.map((id) => admin.post(`/api/encounters/${id}/booking`, { slotId: slot.id })));
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(N - 1);
  for (const a of answers.filter((x) => x.status === 409)) expect(a.body).toMatchObject({ error: 'SlotTaken' });
  const [live] = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ n: string }>>('select count(*) as n from booking where slot_id = ? and released_at is null', [
      slot.id,
    ]);
  expect(Number(live.n)).toBe(1);
});
