/**
 * More than two in the room (issue 26), server side: each participant's own link and identification,
 * the wrong person refused with a Swedish page and a deviation, a waiting room of its own with no room
 * credentials before admission, the room's capacity, and the interpreter's one-time code.
 */
import request from 'supertest';
import type { WorkflowHandle } from '@temporalio/client';
import type { App } from '../../api/app';
import * as m from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { testApp } from '../../testkit/app';
import { book, startEncounter, throughIdentity, waitForState } from '../../testkit/drive';
import { FixtureWith, makeFixture, randomPersonnummer } from '../../testkit/fixtures';
import { login, type LoggedIn } from '../../testkit/login';
import { enterOverHttp } from '../../testkit/meeting';
import { janusTokenFor } from '../../api/meet/links';
import { waitFor } from '../../testkit/wait';
import type { createFakeRooms } from '../../media/rooms';

jest.setTimeout(90_000);
const stack = useApiStack();

let f: FixtureWith<'staff'>;
let other: FixtureWith<'staff'>;
let careAdmin: LoggedIn;
let clinician: LoggedIn;
/** An app allowing three in the room (VIDEO_MAX_PARTICIPANTS=3) on the same services and worker. */
let small: App;

beforeAll(async () => {
  other = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const config = { ...stack.ctx.config, meet: { ...stack.ctx.config.meet, maxParticipants: 3 } };
  small = testApp({ ...stack.ctx, config }, undefined, stack.worker.rooms);
});
// A fresh unit, clinician and patient per test, so the slots never overlap.
beforeEach(async () => {
  f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  careAdmin = await login(stack.app, { hsaId: f.staff.careAdmin });
  clinician = await login(stack.app, { hsaId: f.staff.clinician });
});
afterAll(async () => {
  await small?.close();
});

const rows = <T>(sql: string, params: unknown[]) => stack.ctx.orm.em.fork().execute<T[]>(sql, params);
const rooms = () => stack.worker.rooms as ReturnType<typeof createFakeRooms>;

/** A booked encounter whose room opens at once (the patient's no-show far off). */
async function encounter(): Promise<{ id: string; handle: WorkflowHandle }> {
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, {
    roomOpensBeforeSeconds: 1,
    noShowGraceSeconds: 300,
    activityTimeoutSeconds: 15,
  });
  await throughIdentity(handle, f);
  await book(stack.ctx, handle, f, { inSeconds: 2, minutes: 30 });
  return { id, handle };
}

const invite = (id: string, body: object, by: LoggedIn = careAdmin) =>
  by.post(`/api/encounters/${id}/participants/invitations`, body);

it('an invitation refused names its field and writes nothing', async () => {
  const { id, handle } = await encounter();
  const noLanguage = await invite(id, {
    kind: 'interpreter',
    name: 'Amal Haddad',
    personnummer: randomPersonnummer('19850101'),
  });
  expect(noLanguage.status).toBe(400);
  expect(noLanguage.body).toMatchObject({ error: 'Invalid', field: 'language' });
  const badPnr = await invite(id, { kind: 'relative', name: 'Eva', personnummer: '19520303-0000' });
  expect(badPnr.body).toMatchObject({ field: 'personnummer' });
  const ownUnit = await invite(id, { kind: 'colleague', name: 'Lena Berg', careUnitId: f.unitId });
  expect(ownUnit.body).toMatchObject({ field: 'careUnitId' });
  // The patient may invite a relative only.
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const byPatient = await invite(id, { kind: 'colleague', name: 'X', careUnitId: other.unitId }, patient);
  expect(byPatient.status).toBe(403);
  expect((await handle.query(m.stateQuery)).participants).toEqual([]);
  expect(await rows('select 1 from join_token where encounter_id = ? and participant_id is not null', [id])).toEqual(
    [],
  );
});

it('a participant link opened by the wrong person is refused in Swedish and recorded as a deviation', async () => {
  const { id } = await encounter();
  const relativePnr = randomPersonnummer('19520303');
  const relative = await invite(id, { kind: 'relative', name: 'Eva Andersson', personnummer: relativePnr }).expect(201);
  expect(relative.body.participant).toMatchObject({ kind: 'relative', status: 'invited', awaitsPatient: true });
  expect(JSON.stringify(relative.body)).not.toContain(relativePnr.replace('-', '').slice(2));
  const colleague = await invite(id, { kind: 'colleague', name: 'Lena Berg', careUnitId: other.unitId }).expect(201);
  expect(colleague.body.participant.unit).toEqual({ id: other.unitId, name: expect.any(String) });

  // The patient opens the relative's link; the encounter's own clinician opens the other unit's.
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const wrongPerson = await patient.get(new URL(relative.body.url).pathname);
  expect(wrongPerson.status).toBe(403);
  expect(wrongPerson.text).toContain('Länken gäller en annan person');
  const wrongUnit = await clinician.get(new URL(colleague.body.url).pathname);
  expect(wrongUnit.status).toBe(403);
  expect(wrongUnit.text).toContain('Länken gäller en annan vårdenhet');
  // Entering is refused the same way, and the link stays unused for the right person.
  await patient.post(new URL(relative.body.url).pathname).type('form').send({ _csrf: patient.csrf }).expect(403);
  const devs = await rows<{ category: string; severity: string; description: string }>(
    'select category, severity, description from deviation where encounter_id = ? order by description',
    [id],
  );
  expect(devs).toEqual([
    expect.objectContaining({
      category: 'identity-failure',
      severity: 'high',
      description: expect.stringMatching(/deltagarlänk \(närstående\).*wrong-person/),
    }),
    expect.objectContaining({
      category: 'identity-failure',
      severity: 'high',
      description: expect.stringMatching(/deltagarlänk \(vårdgivare från annan enhet\).*wrong-unit/),
    }),
  ]);
  expect(devs.map((d) => d.description).join(' ')).not.toContain(f.adultPnr);
  await (await login(stack.app, { personnummer: relativePnr })).get(new URL(relative.body.url).pathname).expect(200);
  await (
    await login(stack.app, { hsaId: other.staff.clinician })
  )
    .get(new URL(colleague.body.url).pathname)
    .expect(200);
  const refused = await rows<{ outcome: string }>(
    "select outcome from audit_log where action = 'open-meeting' and target = ? and outcome = 'refused'",
    [`encounter:${id}`],
  );
  expect(refused.length).toBeGreaterThanOrEqual(3);
});

it('each participant waits in its own waiting room: no room credentials before the clinician admits it; the room grows to the maximum and no further', async () => {
  const { id, handle } = await encounter();
  const interpreterPnr = randomPersonnummer('19850101');
  const interpreter = await invite(id, {
    kind: 'interpreter',
    name: 'Amal Haddad',
    language: 'arabiska',
    personnummer: interpreterPnr,
  }).expect(201);
  const colleague = await invite(id, { kind: 'colleague', name: 'Lena Berg', careUnitId: other.unitId }).expect(201);
  await waitForState(handle, (s) => s.status === 'video');

  const tolk = await enterOverHttp(stack.ctx, stack.app, interpreter.body.url, { personnummer: interpreterPnr });
  const kollega = await enterOverHttp(stack.ctx, stack.app, colleague.body.url, { hsaId: other.staff.clinician });
  for (const page of [tolk, kollega]) {
    await page.user.post('/meet/api/presence', { present: true }).set('x-meeting-key', page.key).expect(202);
    const join = await page.user.get('/meet/api/join').set('x-meeting-key', page.key);
    expect(join.status).toBe(409);
    expect(join.body).toEqual({
      error: 'WaitingRoom',
      message: 'Du är i väntrummet tills vårdgivaren släpper in dig.',
    });
    expect(JSON.stringify(join.body)).not.toMatch(/pin|janusToken|roomId|wsUrl/);
  }
  await waitForState(handle, (s) => s.participants!.every((p) => p.status === 'waiting'));
  const waiting = await tolk.user.get('/meet/api/state').set('x-meeting-key', tolk.key).expect(200);
  expect(waiting.body).toMatchObject({
    admitted: false,
    participant: { kind: 'interpreter', status: 'waiting', statusLabel: 'I väntrummet' },
  });
  expect(JSON.stringify(waiting.body)).not.toMatch(/"pin"|secret/);

  // Admission is the booked clinician's, one at a time, after the checklist.
  const interpreterId = interpreter.body.participant.id as string;
  const colleagueId = colleague.body.participant.id as string;
  await careAdmin.post(`/api/encounters/${id}/participants/${interpreterId}/admit`, {}).expect(403);
  const early = await clinician.post(`/api/encounters/${id}/participants/${interpreterId}/admit`, {});
  expect(early.status).toBe(409);
  await clinician
    .post(`/api/encounters/${id}/checklist`, { items: Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, true])) })
    .expect(200);
  const smallClinician = await login(small, { hsaId: f.staff.clinician });
  const admitted = await smallClinician
    .post(`/api/encounters/${id}/participants/${interpreterId}/admit`, {})
    .expect(200);
  expect(admitted.body).toMatchObject({ inRoom: 3, maxInRoom: 3 });
  // Three in the room (patient, clinician, interpreter) is this app's maximum.
  const full = await smallClinician.post(`/api/encounters/${id}/participants/${colleagueId}/admit`, {});
  expect(full.status).toBe(409);
  expect(full.body.message).toBe('the room is full (at most 3 in the room)');

  // The admitted interpreter gets the room now; the colleague still does not.
  const join = await tolk.user.get('/meet/api/join').set('x-meeting-key', tolk.key).expect(200);
  expect(join.body).toMatchObject({ roomId: `encounter-${id}`, pin: expect.stringMatching(/^\d{6}$/) });
  expect(rooms().rooms.get(`encounter-${id}`)?.maxPublishers).toBe(3);
  await kollega.user.get('/meet/api/join').set('x-meeting-key', kollega.key).expect(409);

  // With the default maximum (six) the colleague comes in too, and the room takes four publishers.
  await clinician.post(`/api/encounters/${id}/participants/${colleagueId}/admit`, {}).expect(200);
  await kollega.user.get('/meet/api/join').set('x-meeting-key', kollega.key).expect(200);
  expect(rooms().rooms.get(`encounter-${id}`)?.maxPublishers).toBe(4);

  // Removed: its links withdrawn, its page no longer reaches the room, and it is out of the room at once:
  // its Janus token off the room's list and its publisher kicked (a client keeping the PIN gets no further).
  const colleagueToken = janusTokenFor(kollega.key);
  expect(rooms().allowed.get(`encounter-${id}`)).toContain(colleagueToken);
  const removed = await careAdmin
    .post(`/api/encounters/${id}/participants/${colleagueId}/remove`, { reason: 'Klar' })
    .expect(200);
  expect(removed.body.revokedLinks).toBe(1);
  expect(rooms().allowed.get(`encounter-${id}`)).not.toContain(colleagueToken);
  expect(rooms().kicked).toContain(kollega.publisherId);
  expect(rooms().allowed.get(`encounter-${id}`)).toContain(janusTokenFor(tolk.key));
  await kollega.user.get('/meet/api/join').set('x-meeting-key', kollega.key).expect(401);
});

it('a relative the patient has not accepted is not admitted; the patient accepts through the API', async () => {
  const { id, handle } = await encounter();
  const pnr = randomPersonnummer('19520303');
  const relative = await invite(id, { kind: 'relative', name: 'Eva Andersson', personnummer: pnr }).expect(201);
  const relativeId = relative.body.participant.id as string;
  await waitForState(handle, (s) => s.status === 'video');
  const page = await enterOverHttp(stack.ctx, stack.app, relative.body.url, { personnummer: pnr });
  await page.user.post('/meet/api/presence', { present: true }).set('x-meeting-key', page.key).expect(202);
  await clinician
    .post(`/api/encounters/${id}/checklist`, { items: Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, true])) })
    .expect(200);
  await waitForState(handle, (s) => s.participants![0].status === 'waiting');
  const refused = await clinician.post(`/api/encounters/${id}/participants/${relativeId}/admit`, {});
  expect(refused.status).toBe(409);
  expect(refused.body.message).toBe('the patient has not accepted this relative yet');
  // The relative cannot accept itself (it is not the patient): 404, nothing about the encounter.
  await page.user.post(`/api/encounters/${id}/participants/${relativeId}/accept`, {}).expect(404);
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const accepted = await patient.post(`/api/encounters/${id}/participants/${relativeId}/accept`, {}).expect(200);
  expect(accepted.body.participants[0]).toMatchObject({ status: 'waiting', awaitsPatient: false });
  await clinician.post(`/api/encounters/${id}/participants/${relativeId}/admit`, {}).expect(200);
  await page.user.get('/meet/api/join').set('x-meeting-key', page.key).expect(200);
});

it('an interpreter without Swedish e-ID enters with a one-time code sent by SMS to the booked number, and only in the browser that entered it', async () => {
  const { id, handle } = await encounter();
  const interpreter = await invite(id, {
    kind: 'interpreter',
    name: 'Tesfay Ghebre',
    language: 'tigrinja',
    identification: 'one-time-code',
    contact: { sms: '070-123 45 67' },
  }).expect(201);
  const path = new URL(interpreter.body.url).pathname;
  const anonymous = request.agent(stack.app);
  // Its link opens the code page: "Skicka kod", the labelled field and "Gå till väntrummet".
  const page = await anonymous.get(path);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Logga in med engångskod');
  expect(page.text).toMatch(/<label for="code">Engångskod<\/label>/);
  expect(page.text).toContain('Gå till väntrummet');
  // Someone logged in opening the interpreter's code link is refused, and it is a deviation.
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const byPatient = await patient.get(path);
  expect(byPatient.status).toBe(403);
  expect(byPatient.text).toContain('Länken öppnas med engångskod');

  await anonymous.post(`${path}/code`).send({}).expect(202);
  await anonymous.post(`${path}/code`).send({}).expect(429);
  const sms = await waitFor(async () => {
    const [row] = await rows<{ recipient: string; text: string }>(
      "select recipient, text from outbox_message where encounter_id = ? and channel = 'sms'",
      [id],
    );
    return row;
  }, 'the code SMS');
  expect(sms.recipient).toBe('+46701234567');
  const code = /(\d{6})/.exec(sms.text)![1];
  // On the timeline once the activity has answered (the SMS row comes first).
  const sent = await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'participant-code-sent'));
  expect(sent.timeline.find((t) => t.event === 'participant-code-sent')).toMatchObject({ outcome: 'sms' });
  const codeInHistory = JSON.stringify(await handle.fetchHistory());
  expect(codeInHistory).not.toContain(code);

  const wrong = await anonymous.post(`${path}/code/verify`).send({ code: code === '000000' ? '111111' : '000000' });
  expect(wrong.status).toBe(400);
  expect(wrong.body).toMatchObject({
    field: 'code',
    message: 'Koden stämmer inte. Kontrollera koden och försök igen.',
  });
  // The page's form: the refusal on the page, at the field.
  const wrongForm = await anonymous
    .post(`${path}/code/verify`)
    .type('form')
    .send({ code: code === '000000' ? '111111' : '000000' });
  expect(wrongForm.status).toBe(400);
  expect(wrongForm.text).toContain('Koden stämmer inte. Kontrollera koden och försök igen.');
  expect(wrongForm.text).toMatch(/id="code"[^>]*aria-invalid="true"[^>]*autofocus/);
  const entered = await anonymous.post(`${path}/code/verify`).send({ code }).expect(200);
  const key = entered.body.key as string;
  expect(entered.body.encounterId).toBe(id);

  await waitForState(handle, (s) => s.status === 'video');
  await anonymous.post('/meet/api/guest/presence').set('x-meeting-key', key).send({ present: true }).expect(202);
  await waitForState(handle, (s) => s.participants![0].status === 'waiting');
  const state = await anonymous.get('/meet/api/guest/state').set('x-meeting-key', key).expect(200);
  expect(state.body).toMatchObject({ admitted: false, participant: { kind: 'interpreter', status: 'waiting' } });
  const before = await anonymous.get('/meet/api/guest/join').set('x-meeting-key', key);
  expect(before.status).toBe(409);
  expect(JSON.stringify(before.body)).not.toMatch(/pin/);
  // No chat in the waiting room.
  const chatEarly = await anonymous.post('/meet/api/guest/chat').set('x-meeting-key', key).send({ text: 'Hej' });
  expect(chatEarly.status).toBe(409);
  expect(chatEarly.body.error).toBe('WaitingRoom');
  // The key without the browser session that entered the code opens nothing.
  await request(stack.app).get('/meet/api/guest/state').set('x-meeting-key', key).expect(401);
  await request(stack.app).post('/meet/api/guest/chat').set('x-meeting-key', key).send({ text: 'Hej' }).expect(401);
  // The guest's meeting page: only in the browser that entered the code.
  const room = await anonymous.get(`/meet/guest/${id}`).expect(200);
  expect(JSON.parse(/id="meeting-config">(.*?)<\/script>/.exec(room.text)![1])).toMatchObject({
    role: 'interpreter',
    key,
    api: '/meet/api/guest/',
  });
  await request(stack.app).get(`/meet/guest/${id}`).expect(403);

  await clinician
    .post(`/api/encounters/${id}/checklist`, { items: Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, true])) })
    .expect(200);
  await clinician.post(`/api/encounters/${id}/participants/${interpreter.body.participant.id}/admit`, {}).expect(200);
  const join = await anonymous.get('/meet/api/guest/join').set('x-meeting-key', key).expect(200);
  expect(join.body.pin).toMatch(/^\d{6}$/);
  // Admitted: the guest writes in the chat, as /meet/api/chat (201, the message with its sender) …
  const said = await anonymous
    .post('/meet/api/guest/chat')
    .set('x-meeting-key', key)
    .send({ text: 'Tolken är här' })
    .expect(201);
  expect(said.body).toMatchObject({
    seq: 1,
    from: { role: 'interpreter', name: 'Tesfay Ghebre' },
    text: 'Tolken är här',
  });
  const read = await anonymous.get('/meet/api/guest/state?chatAfter=0').set('x-meeting-key', key).expect(200);
  expect(read.body.chat).toEqual([expect.objectContaining({ text: 'Tolken är här' })]);
  await request(stack.app).post('/meet/api/guest/chat').set('x-meeting-key', key).send({ text: 'x' }).expect(401);
  // … and the access log has that a message was written, never its text.
  const logged = await rows<{ detail: unknown }>(
    "select detail from audit_log where target = ? and action = 'post-meeting-chat'",
    [`encounter:${id}`],
  );
  expect(logged).toHaveLength(1);
  expect(JSON.stringify(logged)).not.toContain('Tolken');
  // Used: the link is bound to this interpreter, no second code.
  await anonymous.post(`${path}/code`).send({}).expect(404);
  const devs = await rows<{ description: string }>('select description from deviation where encounter_id = ?', [id]);
  expect(devs.map((d) => d.description)).toEqual([expect.stringContaining('needs-code')]);
});
