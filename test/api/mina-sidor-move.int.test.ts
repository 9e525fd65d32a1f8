/**
 * Mina sidor lets the patient's side act (issue 28): move a booked time to a free time of the same unit
 * and kind of clinician (the back office's reschedule, a late move charged as stated first), choose the
 * time of an open kallelse, answer a timed one, and a guardian the same for a young child; refused
 * choices change nothing and say why in Swedish, or name the field for JSON callers.
 */
import { randomUUID } from 'node:crypto';
import * as m from '../../workflows/encounter.messages';
import { useApiStack } from '../support/app';
import { ensureCare } from '../../db/care';
import { ensurePeople } from '../../db/people';
import { liveBookingOf } from '../../db/slots';
import { stockholmDateOf } from '../../domain/dates';
import { ceilingFor, REGION_FEES } from '../../domain/fees';
import { formatKronor, stockholmTime } from '../../domain/format';
import { randomPersonnummer, makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, startEncounter, throughIdentity, waitForStatus } from '../../testkit/drive';
import { login, type LoggedIn } from '../../testkit/login';

const stack = useApiStack();
jest.setTimeout(90_000);

const em = () => stack.ctx.orm.em.fork();
const JSON_ACCEPT = 'application/json';
const HTML_ACCEPT = 'text/html';

/** A nurse at the unit (the fixture's clinicians are doctors). */
async function addNurse(careUnitId: string): Promise<string> {
  const id = randomUUID();
  await ensureCare(
    em(),
    [],
    [
      {
        id,
        hsaId: `HSA-${id}`,
        givenName: 'Sara',
        familyName: 'Syster',
        title: 'Sjuksköterska',
        profession: 'nurse',
        careUnitId,
      },
    ],
  );
  return id;
}

/** An encounter of `patientId` through identity (by `pnr` in `role`), booked by the administrator `inSeconds` ahead. */
async function booked(
  f: { unitId: string; clinicianId: string; adultPnr: string },
  patientId: string,
  inSeconds: number,
  opts: { pnr?: string; role?: m.Role; policy?: Partial<m.EncounterPolicy> } = {},
) {
  const { id, handle } = await startEncounter(stack.ctx, f, patientId, { lateCancelSeconds: 3600, ...opts.policy });
  await throughIdentity(handle, f, opts.pnr ?? f.adultPnr, opts.role ?? 'patient');
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, inSeconds, 15);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  return { id, handle, slot };
}

const move = (who: LoggedIn, id: string, body: object, accept = JSON_ACCEPT) =>
  who.post(`/mina-sidor/moten/${id}/flytta`).set('accept', accept).type('form').send(body);

async function auditRows(target: string, action: string) {
  return em().execute<Array<{ actor: string; outcome: string; patient_id: string | null }>>(
    'select actor, outcome, patient_id from audit_log where target = ? and action = ? order by id',
    [target, action],
  );
}

it('the patient moves a booked time to a free time of the same unit and kind of clinician, listed by Stockholm day, free before the deadline', async () => {
  const f = await makeFixture(stack.ctx.orm, { units: ['sodermalm', 'boras'], with: ['other-clinician'] });
  const nurse = await addNurse(f.unitId);
  const { id, handle, slot } = await booked(f, f.adultId, 3 * 3600);
  const toOtherDoctor = await makeSlot(stack.ctx.orm, f.otherClinicianId, 5 * 3600, 15);
  const nurseSlot = await makeSlot(stack.ctx.orm, nurse, 5 * 3600, 15);
  const otherUnit = await makeSlot(stack.ctx.orm, f.units.boras.clinicianId, 5 * 3600, 15);
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const meeting = (await patient.get(`/mina-sidor/moten/${id}`).expect(200)).text;
  expect(meeting).toContain(`href="/mina-sidor/moten/${id}/flytta?source=mina-sidor"`);
  expect(meeting).toContain('Samma regel gäller om du flyttar tiden.');
  // The fee rules of the unit's region, and the information sheet.
  expect(meeting).toContain(
    `Besöksavgift i Region Stockholm: <strong>${formatKronor(REGION_FEES.stockholm.videoVisitOre)}</strong> hos läkare`,
  );
  expect(meeting).toContain(
    `<strong>${formatKronor(ceilingFor(stockholmDateOf(new Date())))}</strong> i besöksavgifter`,
  );
  expect(meeting).toContain('Ljud och bild skickas krypterat och ingenting spelas in.');

  const page = (await patient.get(`/mina-sidor/moten/${id}/flytta`).expect(200)).text;
  expect(page).toContain('Flytta tiden');
  expect(page).toContain(`value="${toOtherDoctor.id}"`);
  // Another kind of clinician, another unit and the booked time itself are not offered.
  expect(page).not.toContain(`value="${nurseSlot.id}"`);
  expect(page).not.toContain(`value="${otherUnit.id}"`);
  expect(page).not.toContain(`value="${slot.id}"`);
  expect(page).toContain(
    `Du kan flytta utan kostnad fram till ${stockholmTime(new Date(slot.startsAt.getTime() - 3600_000))}`,
  );
  const day = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Stockholm',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  });
  expect(page).toContain(`<legend>${day.format(toOtherDoctor.startsAt)}</legend>`);

  const done = await move(patient, id, { slotId: toOtherDoctor.id, late: '0' }).expect(303);
  expect(done.headers.location).toBe(`/mina-sidor/moten/${id}?klart=flyttad`);
  const state = await handle.query(m.stateQuery);
  expect(state.slot).toMatchObject({ slotId: toOtherDoctor.id, clinicianId: f.otherClinicianId });
  expect(state.timeline.find((t) => t.event === 'rescheduled')).toMatchObject({
    event: 'rescheduled',
    outcome: 'in-time',
    actor: { role: 'patient' },
  });
  expect(state.charges).toEqual([]);
  await expect(liveBookingOf(em(), id)).resolves.toBe(toOtherDoctor.id);
  const after = (await patient.get(done.headers.location).expect(200)).text;
  expect(after).toContain('Tiden är flyttad.');
  expect(after).toContain(stockholmTime(toOtherDoctor.startsAt));
  expect(await auditRows(`encounter:${id}`, 'update:reschedule')).toEqual([
    { actor: f.adultPnr, outcome: 'ok', patient_id: f.adultId },
  ]);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('a refused move changes nothing and says why: another unit, another kind of clinician, a taken time, a past time, no time', async () => {
  const f = await makeFixture(stack.ctx.orm, { units: ['sodermalm', 'boras'], with: ['other-clinician'] });
  const nurse = await addNurse(f.unitId);
  const { id, handle, slot } = await booked(f, f.adultId, 3 * 3600);
  const otherUnit = await makeSlot(stack.ctx.orm, f.units.boras.clinicianId, 5 * 3600, 15);
  const nurseSlot = await makeSlot(stack.ctx.orm, nurse, 5 * 3600, 15);
  const past = await makeSlot(stack.ctx.orm, f.otherClinicianId, -1800, 15);
  // Taken by another patient's encounter.
  const taken = await booked({ ...f, clinicianId: f.otherClinicianId }, f.adultId, 6 * 3600);
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const cases: Array<[object, number, string, string]> = [
    [{ slotId: otherUnit.id }, 409, 'slot-other-unit', 'Tiden hör till en annan mottagning'],
    [{ slotId: nurseSlot.id }, 409, 'slot-other-profession', 'Du kan bara flytta till en tid hos en läkare'],
    [{ slotId: taken.slot.id }, 409, 'slot-taken', 'Tiden har blivit upptagen av en annan patient'],
    [{ slotId: past.id }, 409, 'slot-started', 'Tiden har redan passerat'],
    [{ slotId: randomUUID() }, 404, 'slot-missing', 'Tiden finns inte'],
    [{}, 400, 'choose-slot', 'Välj en av de lediga tiderna'],
    [{ slotId: 'inte-en-tid' }, 400, 'choose-slot', 'Välj en av de lediga tiderna'],
  ];
  for (const [body, status, error, text] of cases) {
    const json = await move(patient, id, { ...body, late: '0' }).expect(status);
    expect([body, json.body.error, json.body.field]).toEqual([body, error, 'slotId']);
    expect(json.body.message).toContain(text);
    // The browser's form post: the move page again, the reason in Swedish.
    const page = await move(patient, id, { ...body, late: '0' }, HTML_ACCEPT).expect(status);
    expect(page.text).toContain('role="alert"');
    expect(page.text).toContain(text);
  }

  const state = await handle.query(m.stateQuery);
  expect(state.slot?.slotId).toBe(slot.id);
  expect(state.timeline.some((t) => t.event === 'rescheduled')).toBe(false);
  await expect(liveBookingOf(em(), id)).resolves.toBe(slot.id);
  await expect(liveBookingOf(em(), taken.id)).resolves.toBe(taken.slot.id);
  const refused = await auditRows(`encounter:${id}`, 'update:reschedule');
  expect(refused).toHaveLength(cases.length * 2);
  expect(refused.every((r) => r.outcome === 'refused' && r.actor === f.adultPnr)).toBe(true);
  for (const e of [handle, taken.handle])
    await e.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('a meeting not in a movable step is refused by its step: the room is open, or it is cancelled', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['other-clinician'] });
  const open = await booked(f, f.adultId, 4, { policy: { roomOpensBeforeSeconds: 2, noShowGraceSeconds: 600 } });
  const free = await makeSlot(stack.ctx.orm, f.otherClinicianId, 3 * 3600, 15);
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  await waitForStatus(open.handle, 'video');

  const res = await move(patient, open.id, { slotId: free.id, late: '0' }).expect(409);
  expect([res.body.error, res.body.field]).toEqual(['not-changeable', 'id']);
  const page = (await patient.get(`/mina-sidor/moten/${open.id}/flytta`).expect(200)).text;
  expect(page).toContain('Tiden kan inte ändras nu.');
  expect(page).not.toContain('name="slotId"');
  expect((await open.handle.query(m.stateQuery)).slot?.slotId).toBe(open.slot.id);

  await open.handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
  const ended = await move(patient, open.id, { slotId: free.id, late: '0' }).expect(409);
  expect([ended.body.error, ended.body.field]).toEqual(['ended', 'id']);
  await expect(liveBookingOf(em(), open.id)).resolves.toBeNull();
});

it('a move after the free deadline, sent from a page that said it was free, is asked again, then charged the late-cancel fee', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['other-clinician'] });
  const later = await makeSlot(stack.ctx.orm, f.otherClinicianId, 3 * 3600, 15);
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  // Booked 64 s ahead with a 60 s window: free for about 4 s more.
  const { id, handle } = await booked(f, f.adultId, 64, { policy: { lateCancelSeconds: 60 } });
  expect((await patient.get(`/mina-sidor/moten/${id}/flytta`).expect(200)).text).toContain('name="late" value="0"');
  await new Promise((r) => setTimeout(r, 5_000));

  const asked = await move(patient, id, { slotId: later.id, late: '0' }, HTML_ACCEPT).expect(303);
  expect(asked.headers.location).toBe(`/mina-sidor/moten/${id}/flytta?klart=flytt-sen&tid=${later.id}`);
  expect((await handle.query(m.stateQuery)).timeline.some((t) => t.event === 'rescheduled')).toBe(false);
  const page = (await patient.get(asked.headers.location).expect(200)).text;
  const fee = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK', minimumFractionDigits: 2 }).format(
    REGION_FEES.stockholm.noShowOre / 100,
  );
  expect(page).toContain('Tiden för att flytta utan kostnad har just passerat');
  expect(page).toContain(`Flytta och betala ${fee}`);
  expect(page).toContain(`value="${later.id}" required checked`);

  await move(patient, id, { slotId: later.id, late: '1' }).expect(303);
  const state = await handle.query(m.stateQuery);
  expect(state.slot?.slotId).toBe(later.id);
  expect(state.timeline.find((t) => t.event === 'rescheduled')).toMatchObject({
    event: 'rescheduled',
    outcome: 'late',
  });
  expect(state.charges).toMatchObject([{ kind: 'late-cancel', chargeOre: REGION_FEES.stockholm.noShowOre }]);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('a timed kallelse: Mina sidor asks for an answer, and yes to the time is recorded once', async () => {
  const f = await makeFixture(stack.ctx.orm, {});
  const purpose = 'Uppföljning av ditt blodtryck';
  const { id, handle } = await startEncounter(
    stack.ctx,
    f,
    f.adultId,
    { lateCancelSeconds: 3600 },
    { invitation: { purpose } },
  );
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 4 * 3600, 15);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const home = (await patient.get('/mina-sidor').expect(200)).text;
  expect(home).toContain(`href="/mina-sidor/moten/${id}#kallelse"`);
  expect(home).toContain(`Mottagningen har kallat dig till ${stockholmTime(slot.startsAt)}.`);
  const page = (await patient.get(`/mina-sidor/moten/${id}`).expect(200)).text;
  expect(page).toContain(purpose);
  expect(page).toContain('Tacka ja till tiden');
  expect(page).toContain('Du kan tacka nej utan kostnad fram till');

  const yes = await patient.post(`/mina-sidor/moten/${id}/kallelse/ja`).type('form').send({}).expect(303);
  expect(yes.headers.location).toBe(`/mina-sidor/moten/${id}?klart=kallelse-ja`);
  const state = await handle.query(m.stateQuery);
  expect(state.attendanceConfirmedAt?.startsAt).toBe(slot.startsAt.toISOString());
  expect(state.timeline.at(-1)).toMatchObject({ event: 'attendance-confirmed', detail: { source: 'mina-sidor' } });
  const answered = (await patient.get(yes.headers.location).expect(200)).text;
  expect(answered).toContain('Tack! Du har tackat ja till tiden.');
  expect(answered).not.toContain('Tacka ja till tiden');
  const again = await patient
    .post(`/mina-sidor/moten/${id}/kallelse/ja`)
    .set('accept', JSON_ACCEPT)
    .type('form')
    .send({})
    .expect(409);
  expect([again.body.error, again.body.field]).toEqual(['no-offer', 'id']);
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('an open kallelse: the patient chooses a time of any kind of clinician of the unit, and it becomes their booking', async () => {
  const f = await makeFixture(stack.ctx.orm, {});
  const nurse = await addNurse(f.unitId);
  const nurseSlot = await makeSlot(stack.ctx.orm, nurse, 4 * 3600, 15);
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, {}, { invitation: { purpose: 'Provsvar' } });
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const page = (await patient.get(`/mina-sidor/moten/${id}`).expect(200)).text;
  expect(page).toContain('Kallelsen har ingen tid ännu.');
  const yes = await patient
    .post(`/mina-sidor/moten/${id}/kallelse/ja`)
    .set('accept', JSON_ACCEPT)
    .type('form')
    .send({});
  expect([yes.status, yes.body.error]).toEqual([409, 'offer-open']);
  const choose = (await patient.get(`/mina-sidor/moten/${id}/flytta`).expect(200)).text;
  expect(choose).toContain('Välj tid');
  expect(choose).toContain(`value="${nurseSlot.id}"`);
  expect(choose).toContain('Boka vald tid');

  const done = await move(patient, id, { slotId: nurseSlot.id, late: '0' }).expect(303);
  expect(done.headers.location).toBe(`/mina-sidor/moten/${id}?klart=bokad`);
  const state = await handle.query(m.stateQuery);
  expect(state.slot?.slotId).toBe(nurseSlot.id);
  expect(state.invitation?.acceptedAt).not.toBeNull();
  expect(state.timeline.map((t) => t.event)).toEqual(expect.arrayContaining(['booked', 'invitation-accepted']));
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('declining a kallelse cancels it with the decline as its reason, which the unit reads; nothing to decline afterwards', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, {}, { invitation: { purpose: 'Kontroll' } });
  const patient = await login(stack.app, { personnummer: f.adultPnr });

  const tooLong = await patient
    .post(`/mina-sidor/moten/${id}/kallelse/nej`)
    .set('accept', JSON_ACCEPT)
    .type('form')
    .send({ kommentar: 'x'.repeat(501) });
  expect([tooLong.status, tooLong.body.field]).toEqual([400, 'kommentar']);
  expect((await handle.query(m.stateQuery)).status).not.toBe('cancelled');

  const no = await patient
    .post(`/mina-sidor/moten/${id}/kallelse/nej`)
    .type('form')
    .send({ kommentar: 'Jag är bortrest', late: '0' })
    .expect(303);
  expect(no.headers.location).toBe(`/mina-sidor/moten/${id}?klart=kallelse-nej`);
  const state = await waitForStatus(handle, 'cancelled');
  expect(state.timeline.at(-1)).toMatchObject({
    event: 'cancelled',
    actor: { role: 'patient' },
    detail: { reason: 'Patienten tackade nej till kallelsen: Jag är bortrest', source: 'mina-sidor', late: false },
  });
  expect(state.charges).toEqual([]);
  // The unit's view of it: the encounter as the care administrator reads it.
  const careAdmin = await login(stack.app, { hsaId: f.staff.careAdmin });
  const read = await careAdmin.get(`/api/encounters/${id}`).expect(200);
  expect(JSON.stringify(read.body)).toContain('Patienten tackade nej till kallelsen: Jag är bortrest');
  const again = await patient
    .post(`/mina-sidor/moten/${id}/kallelse/nej`)
    .set('accept', JSON_ACCEPT)
    .type('form')
    .send({});
  expect([again.status, again.body.error]).toEqual([409, 'no-offer']);
});

it('a guardian moves a young child’s meeting; not a protected child’s, nor a child of 13 or more', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['guardian', 'protected-child', 'other-clinician'] });
  const child = await booked(f, f.childId, 3 * 3600, { pnr: f.guardianPnr, role: 'guardian' });
  const free = await makeSlot(stack.ctx.orm, f.otherClinicianId, 5 * 3600, 15);
  const guardian = await login(stack.app, { personnummer: f.guardianPnr });

  const home = (await guardian.get('/mina-sidor').expect(200)).text;
  expect(home).toContain('(ditt barn)');
  expect(home).toMatch(/class="next-step">Mötet öppnar /);
  const page = (await guardian.get(`/mina-sidor/moten/${child.id}/flytta`).expect(200)).text;
  expect(page).toContain('Du sköter mötet som vårdnadshavare för Barn Testsson.');
  // A child of 7 pays no visit fee in Stockholm, but the late-cancel fee like everyone.
  const meeting = (await guardian.get(`/mina-sidor/moten/${child.id}`).expect(200)).text;
  expect(meeting).toContain('Barnet betalar ingen besöksavgift.');
  expect(meeting).toContain(
    `tas en avgift för uteblivet besök ut: <strong>${formatKronor(REGION_FEES.stockholm.noShowOre)}</strong>`,
  );
  await move(guardian, child.id, { slotId: free.id, late: '0' }).expect(303);
  const state = await child.handle.query(m.stateQuery);
  expect(state.slot?.slotId).toBe(free.id);
  expect(state.timeline.find((t) => t.event === 'rescheduled')).toMatchObject({
    event: 'rescheduled',
    actor: { role: 'guardian' },
  });
  expect(await auditRows(`encounter:${child.id}`, 'update:reschedule')).toEqual([
    { actor: f.guardianPnr, outcome: 'ok', patient_id: f.childId },
  ]);

  // A child with protected identity has no proxy: to that guardian the meeting does not exist.
  const hidden = await startEncounter(stack.ctx, f, f.protectedChildId);
  const protectedGuardian = await login(stack.app, { personnummer: f.protectedGuardianPnr });
  await protectedGuardian.get(`/mina-sidor/moten/${hidden.id}/flytta`).expect(404);
  await move(protectedGuardian, hidden.id, { slotId: free.id }).expect(404);
  await protectedGuardian
    .post(`/mina-sidor/moten/${hidden.id}/kallelse/nej`)
    .set('accept', JSON_ACCEPT)
    .send({})
    .expect(404);

  // From 13 the child logs in with their own e-ID (RULES.md §4).
  const teenId = randomUUID();
  await ensurePeople(
    em(),
    [
      {
        id: teenId,
        personnummer: randomPersonnummer('20120101'),
        givenName: 'Tonåring',
        familyName: 'Testsson',
        protectedIdentity: 'none',
      },
    ],
    [{ id: randomUUID(), guardianId: f.guardianId, childId: teenId }],
  );
  const teen = await startEncounter(stack.ctx, f, teenId);
  await guardian.get(`/mina-sidor/moten/${teen.id}`).expect(404);
  await move(guardian, teen.id, { slotId: free.id }).expect(404);
  const refused = await em().execute<Array<{ n: string }>>(
    "select count(*) as n from audit_log where target in (?, ?) and action = 'access' and outcome = 'refused'",
    [`encounter:${hidden.id}`, `encounter:${teen.id}`],
  );
  expect(Number(refused[0].n)).toBe(5);
  for (const e of [child.handle, hidden.handle, teen.handle])
    await e.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});
