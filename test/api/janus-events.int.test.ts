/** The Janus event sink: shared secret, mapping to encounters, repeats and stale events, phone fallback. */
import request from 'supertest';
import * as m from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { maybeRecordHistory } from '../support/histories';
import {
  admin,
  ALL_CHECKED,
  clinicianOf,
  startEncounter,
  throughIdentity,
  waitForState,
  waitForStatus,
} from '../../testkit/drive';
import { makeFixture, makeSlot } from '../../testkit/fixtures';
import { enterOverHttp, meetingLinks } from '../../testkit/meeting';
import { login, Who } from '../../testkit/login';

jest.setTimeout(60_000);

const stack = useApiStack();

/** The encounter's deviations, read straight from the table. */
const deviationsOf = (encounterId: string) =>
  stack.ctx.orm.em
    .fork()
    .execute<Array<{ category: string; description: string }>>(
      'select category, description from deviation where encounter_id = ?',
      [encounterId],
    );

const auth = () => `Basic ${Buffer.from(`janus:${stack.ctx.config.janus.eventSecret}`).toString('base64')}`;
const post = (events: object, authorization = auth()) =>
  request(stack.app).post('/janus/events').set('authorization', authorization).send(events);

/** An encounter in the video step, with both meeting pages opened (their keys and publisher ids). */
async function inVideo(policy: Partial<m.EncounterPolicy> = {}) {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, {
    roomOpensBeforeSeconds: 5,
    noShowGraceSeconds: 60,
    ...policy,
  });
  await throughIdentity(handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 2, 5);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await waitForStatus(handle, 'video');
  const links = await meetingLinks(stack.app, id, f);
  const roomId = (await handle.query(m.stateQuery)).room!.roomId;
  const open = async (url: string, who: Who) => ({ roomId, ...(await enterOverHttp(stack.ctx, stack.app, url, who)) });
  return {
    id,
    f,
    handle,
    patient: await open(links.patientUrl, { personnummer: f.adultPnr }),
    clinician: await open(links.clinicianUrl, { hsaId: f.staff.clinician }),
  };
}

const videoroom = (
  event: 'joined' | 'leaving',
  room: string,
  publisherId: string,
  timestamp: number,
  handleId = 77,
) => ({
  type: 64,
  timestamp,
  session_id: 1,
  handle_id: handleId,
  event: { plugin: 'janus.plugin.videoroom', data: { event, room, id: publisherId, display: 'x' } },
});

it('refuses events without the shared secret and changes nothing', async () => {
  const { handle, patient } = await inVideo();
  const res = await post(
    [videoroom('joined', patient.roomId, patient.publisherId, 1000)],
    `Basic ${Buffer.from('janus:wrong-secret').toString('base64')}`,
  );
  expect(res.status).toBe(401);
  expect(res.body.field).toBe('authorization');
  expect((await handle.query(m.stateQuery)).patientPresent).toBe(false);
});

it('joined/leaving become signals once; repeats, stale and foreign events change nothing', async () => {
  const { handle, patient, f } = await inVideo();
  const handleId = Math.floor(Math.random() * 1e9);
  expect(
    (await post([videoroom('joined', patient.roomId, patient.publisherId, 1000, handleId)]).expect(200)).body,
  ).toEqual({ received: 1, signalled: 1 });
  await waitForState(handle, (s) => s.patientPresent);
  // The same event again, an older "leaving", a stranger's id, and our id in another room.
  const noise = [
    videoroom('joined', patient.roomId, patient.publisherId, 1000, handleId),
    videoroom('leaving', patient.roomId, patient.publisherId, 500, handleId),
    videoroom('joined', patient.roomId, 'p-stranger', 1100),
    videoroom('joined', 'encounter-00000000-0000-0000-0000-000000000000', patient.publisherId, 1200),
  ];
  expect((await post(noise).expect(200)).body).toEqual({ received: 4, signalled: 0 });
  const s = await handle.query(m.stateQuery);
  expect(s.patientPresent).toBe(true);
  // Care administrators see it on the encounter page.
  const staff = await login(stack.app, { hsaId: f.staff.careAdmin });
  expect((await staff.get(`/admin/encounters/${s.encounterId}`).expect(200)).text).toContain('patient: i väntrummet');
  expect(s.timeline.filter((t) => t.event === 'patient-joined')).toHaveLength(1);

  // ICE failing on the patient's handle: one video-failure deviation, however often Janus says it.
  const iceFailed = { type: 16, timestamp: 1300, session_id: 1, handle_id: handleId, event: { ice: 'failed' } };
  await post([iceFailed, { ...iceFailed, timestamp: 1301 }]).expect(200);
  await waitForState(handle, (st) => st.timeline.some((t) => t.event === 'video-problem'));
  const deviations = await stack.ctx.orm.em
    .fork()
    .execute('select category from deviation where encounter_id = ?', [s.encounterId]);
  expect(deviations).toEqual([{ category: 'video-failure' }]);

  expect(
    (await post([videoroom('leaving', patient.roomId, patient.publisherId, 2000, handleId)]).expect(200)).body
      .signalled,
  ).toBe(1);
  await waitForState(handle, (st) => !st.patientPresent);
});

it('the clinician switches to phone from the meeting page: a deviation with the Janus error, the patient cannot', async () => {
  const { id, f, handle, patient, clinician } = await inVideo();
  const refused = await patient.user.post('/meet/api/phone', { error: 'x' }).set('x-meeting-key', patient.key);
  expect(refused.status).toBe(403);
  const res = await clinician.user
    .post('/meet/api/phone', { error: 'Janus: ICE failed (no candidates)' })
    .set('x-meeting-key', clinician.key);
  expect(res.status).toBe(200);
  expect(res.body.modality).toBe('phone');
  const [dev] = await deviationsOf(id);
  expect(dev).toMatchObject({
    category: 'video-failure',
    description: expect.stringContaining('Janus: ICE failed (no candidates)'),
  });
  expect((await handle.query(m.stateQuery)).timeline.find((t) => t.event === 'switched-to-phone')?.detail).toEqual({
    error: 'Janus: ICE failed (no candidates)',
  });
  await clinician.user.post('/meet/api/end', {}).set('x-meeting-key', clinician.key).expect(200);
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Telefonsamtal efter videofel.' }],
  });
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  await maybeRecordHistory(handle, 'phone-fallback');
});

it('meeting-page actions need a login and the page key of that same person', async () => {
  expect((await request(stack.app).get('/meet/api/state')).status).toBe(401);
  const { patient, clinician } = await inVideo();
  const res = await patient.user.get('/meet/api/state');
  expect(res.status).toBe(401);
  expect(res.body.field).toBe('x-meeting-key');
  // Another person's key does not work with this login.
  expect((await patient.user.get('/meet/api/state').set('x-meeting-key', clinician.key)).status).toBe(401);
  expect((await patient.user.get('/meet/api/state').set('x-meeting-key', patient.key)).status).toBe(200);
});

it('media down during the session: a short drop is only noted, one that lasts becomes a video-failure deviation', async () => {
  const { id, f, handle, patient } = await inVideo({ mediaDownGraceSeconds: 2 });
  const h = Math.floor(Math.random() * 1e9);
  await post([videoroom('joined', patient.roomId, patient.publisherId, 1000, h)]).expect(200);
  await waitForState(handle, (s) => s.patientPresent);
  await handle.executeUpdate(m.confirmChecklistUpdate, { args: [{ actor: clinicianOf(f), items: ALL_CHECKED }] });
  await handle.executeUpdate(m.admitPatientUpdate, { args: [{ actor: clinicianOf(f) }] });
  const media = (receiving: boolean, timestamp: number) => ({
    type: 32,
    timestamp,
    session_id: 1,
    handle_id: h,
    event: { mid: '1', media: 'video', receiving },
  });

  // Down and up again within the grace, with a repeat: two timeline entries, no deviation.
  expect((await post([media(false, 2000), media(false, 2000), media(true, 2100)]).expect(200)).body.signalled).toBe(2);
  await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'media-up'));
  await new Promise((r) => setTimeout(r, 2500));
  expect(await stack.ctx.orm.em.fork().execute('select 1 from deviation where encounter_id = ?', [id])).toHaveLength(0);

  // Down for longer than the grace: the deviation.
  await post([media(false, 3000)]).expect(200);
  await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'video-problem'));
  const [dev] = await deviationsOf(id);
  expect(dev).toMatchObject({
    category: 'video-failure',
    description: expect.stringContaining('no video received for 2 s'),
  });
  expect((await handle.query(m.stateQuery)).timeline.filter((t) => t.event === 'media-down')).toHaveLength(2);

  await handle.executeUpdate(m.endSessionUpdate, { args: [{ actor: clinicianOf(f) }] });
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Bildbortfall, mötet slutfört.' }],
  });
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  await maybeRecordHistory(handle, 'media-down');
});
