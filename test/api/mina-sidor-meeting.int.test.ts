/**
 * The meeting's page on Mina sidor, where reminders lead (issue 27): into the meeting behind the same
 * waiting room as a mailed link, only when the room is open and only for the patient's side; and a
 * cancellation whose fee the page had not yet stated is asked again, not charged.
 */
import * as m from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, startEncounter, throughIdentity, waitForStatus } from '../../testkit/drive';
import { login } from '../../testkit/login';

const stack = useApiStack();
jest.setTimeout(90_000);

it('the patient goes from Mina sidor into the waiting room once the room is open; before, and for anyone else, no', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['guardian'] });
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, { roomOpensBeforeSeconds: 2 });
  await throughIdentity(handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 8);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const before = (await patient.get(`/mina-sidor/moten/${id}`).expect(200)).text;
  expect(before).toContain('Mötet öppnar');
  expect(before).not.toContain(`action="/mina-sidor/moten/${id}/anslut"`);
  const early = await patient.post(`/mina-sidor/moten/${id}/anslut`).type('form').send({}).expect(409);
  expect(early.body.field).toBe('id');

  await waitForStatus(handle, 'video');
  const open = (await patient.get(`/mina-sidor/moten/${id}`).expect(200)).text;
  expect(open).toContain(`action="/mina-sidor/moten/${id}/anslut"`);
  const entered = await patient.post(`/mina-sidor/moten/${id}/anslut`).type('form').send({}).expect(303);
  expect(entered.headers.location).toBe(`/meet/room/${id}`);
  // The room page opens with the session's meeting key, and it gives no room credentials before admission.
  await patient.get(`/meet/room/${id}`).expect(200);
  const join = await patient.get('/meet/api/join');
  expect(join.status).not.toBe(200);

  const stranger = await login(stack.app, { personnummer: f.guardianPnr });
  await stranger.post(`/mina-sidor/moten/${id}/anslut`).type('form').send({}).expect(404);
  const logged = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ n: string }>>(
      `select count(*) as n from audit_log where target = ? and action = 'open-meeting' and outcome = 'ok'`,
      [`encounter:${id}`],
    );
  expect(Number(logged[0].n)).toBe(1);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('a cancellation after the free-cancel deadline, sent from a page that said it was free, is asked again and not charged', async () => {
  const f = await makeFixture(stack.ctx.orm, {});
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, { lateCancelSeconds: 60 });
  await throughIdentity(handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 62);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const free = (await patient.get(`/mina-sidor/moten/${id}`).expect(200)).text;
  expect(free).toContain('Du kan avboka utan kostnad fram till');
  expect(free).toContain('name="late" value="0"');
  // The deadline passes while the page is open.
  await new Promise((r) => setTimeout(r, 3_000));
  const asked = await patient
    .post(`/mina-sidor/moten/${id}/avboka`)
    .type('form')
    .send({ source: 'reminder', late: '0' });
  expect(asked.status).toBe(303);
  expect(asked.headers.location).toBe(`/mina-sidor/moten/${id}?klart=sen`);
  expect((await handle.query(m.stateQuery)).status).toBe('pre-meeting');
  const page = (await patient.get(asked.headers.location).expect(200)).text;
  expect(page).toContain('Tiden för att avboka utan kostnad har just passerat');
  expect(page).toContain('name="late" value="1"');
  expect(page).toMatch(/Avboka och betala \d[\d\s]*,00\skr/);

  await patient.post(`/mina-sidor/moten/${id}/avboka`).type('form').send({ source: 'reminder', late: '1' }).expect(303);
  const state = await handle.query(m.stateQuery);
  expect(state.status).toBe('cancelled');
  expect(state.timeline.at(-1)?.detail).toMatchObject({ late: true, source: 'reminder' });
  expect(state.charges.map((c) => c.kind)).toEqual(['late-cancel']);
});
