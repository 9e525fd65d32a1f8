/** Smoke test of every back-office GET: no 5xx, Swedish labels, Stockholm times, and meeting links behind a login. */
import request from 'supertest';
import * as m from '../../workflows/encounter.messages';
import { makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, startEncounter, throughIdentity, waitForState } from '../../testkit/drive';
import { useApiStack } from '../support/app';
import { login } from '../../testkit/login';
import { recordDeviation } from '../../db/deviations';
import { addDays, stockholmDateOf, stockholmMidnight } from '../../domain/dates';

const stack = useApiStack();
it('renders the overview with a status chart, the list and one encounter', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const staff = await login(stack.app, { hsaId: f.staff.careAdmin });
  const { id } = await startEncounter(stack.ctx, f, f.adultId);
  const home = await staff.get('/admin').expect(200);
  expect(home.text).toContain('<svg class="chart"');
  expect(home.text).toContain('Lämplighetsbedömning');
  expect(home.text).toContain('Logga ut');
  const list = await staff.get('/admin/encounters').expect(200);
  expect(list.text).toContain(`/admin/encounters/${id}`);
  const show = await staff.get(`/admin/encounters/${id}`).expect(200);
  expect(show.text).toContain('Vuxen Testsson');
  expect(show.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  await staff.get('/admin/encounters/7a1c0a57-1111-4111-8111-111111111111').set('accept', 'text/html').expect(404);
  const bad = await staff.get('/admin/encounters').query({ page: 'x' }).set('accept', 'text/html').expect(400);
  expect(bad.text).toContain('page');
  // Without a login, a page sends you to log in.
  const anon = await request(stack.app).get('/admin/encounters').expect(302);
  expect(anon.headers.location).toBe('/login?returnTo=%2Fadmin%2Fencounters');
});

it("meeting links need the patient's own e-ID login; a GET does not use them up; new links revoke old ones", async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff', 'guardian'] });
  const staff = await login(stack.app, { hsaId: f.staff.careAdmin });
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, { roomOpensBeforeSeconds: 0 });
  expect((await staff.get(`/admin/encounters/${id}`).expect(200)).text).not.toContain('Skapa möteslänkar');
  await throughIdentity(handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 3600);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  // Pre-meeting starts with sending the kallelse; wait for it so the Utkorg check below is not a race.
  await waitForState(
    handle,
    (s) => s.status === 'pre-meeting' && s.timeline.some((t) => t.event === 'invitation-sent'),
  );
  expect((await staff.get(`/admin/encounters/${id}`).expect(200)).text).toContain('Skapa möteslänkar');
  // A form post without the CSRF token is refused.
  await staff.agent.post(`/admin/encounters/${id}/meeting-links`).type('form').send({}).expect(403);
  const first = await staff
    .post(`/admin/encounters/${id}/meeting-links`)
    .type('form')
    .send({ _csrf: staff.csrf })
    .expect(201);
  const oldPatientUrl = [...first.text.matchAll(/href="(http[^"]+\/meet\/[A-Za-z0-9_-]{43})"/g)].map((x) => x[1])[0];
  const page = await staff
    .post(`/admin/encounters/${id}/meeting-links`)
    .type('form')
    .send({ _csrf: staff.csrf })
    .expect(201);
  const urls = [...page.text.matchAll(/href="(http[^"]+\/meet\/[A-Za-z0-9_-]{43})"/g)].map((x) => x[1]);
  expect(new Set(urls).size).toBe(2);
  // The invitation (kallelse) sent at booking is readable in the Utkorg.
  const outbox = await staff.get('/admin/outbox').expect(200);
  expect(outbox.text).toContain(`/admin/encounters/${id}`);
  expect(outbox.text).toMatch(/Kallelse|kallelse/);

  const path = new URL(urls[0]).pathname;
  // The link alone is not enough: it leads to the patient login.
  const anon = await request(stack.app).get(path).expect(302);
  expect(anon.headers.location).toBe(`/login/patient?returnTo=${encodeURIComponent(path)}`);
  const patient = await login(stack.app, { personnummer: f.adultPnr });
  // Twice: a GET (a mail scanner, a preview) never uses the link.
  await patient.get(path).expect(200);
  const enter = await patient.get(path).expect(200);
  expect(enter.text).toContain('Gå till väntrummet');
  const entered = await patient.post(path).type('form').send({ _csrf: patient.csrf }).expect(303);
  const room = await patient.get(entered.headers.location).expect(200);
  expect(room.text).toContain('Läkare Maria Test');
  // Bound to the patient now: someone else with the link is refused.
  const other = await login(stack.app, { personnummer: f.guardianPnr });
  const refused = await other.get(path).expect(410);
  expect(refused.text).toContain('Länken är redan använd');
  // The first links were revoked when the second were issued.
  expect((await patient.get(new URL(oldPatientUrl).pathname).expect(410)).text).toContain('återkallad');
});

it('the overview counts what needs attention and links to the filtered lists; the list filters by personnummer, clinician and day', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff', 'guardian', 'other-clinician'] });
  const staff = await login(stack.app, { hsaId: f.staff.careAdmin });
  const booked = await startEncounter(stack.ctx, f, f.adultId);
  await throughIdentity(booked.handle, f);
  // Booked for later today in Stockholm (an hour ahead, or before midnight when that is sooner).
  const untilMidnight = (stockholmMidnight(addDays(stockholmDateOf(new Date()), 1)).getTime() - Date.now()) / 1000;
  const slot = await makeSlot(
    stack.ctx.orm,
    f.clinicianId,
    Math.max(120, Math.min(3600, Math.floor(untilMidnight) - 90)),
  );
  await booked.handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await waitForState(booked.handle, (s) => s.status === 'pre-meeting');
  const other = await startEncounter(stack.ctx, f, f.childId);
  await recordDeviation(stack.ctx.orm.em.fork(), {
    encounterId: other.id,
    category: 'missing-documentation',
    severity: 'medium',
    description: 'Ingen journalanteckning inom 24 timmar.',
    dedupeKey: `doc:${other.id}`,
  });

  const home = (await staff.get('/admin').expect(200)).text;
  const card = (id: string) => Number(new RegExp(`id="${id}"[^>]*><span class="n">(\\d+)<`).exec(home)?.[1]);
  expect(card('open-deviations')).toBe(1);
  expect(card('overdue-documentation')).toBe(1);
  // Only this unit's encounters count (the care administrator's scope): one booked today.
  const today = /<ul class="today"><li><a href="([^"]+)">Förberedelse: 1<\/a>/.exec(home);
  expect(today).not.toBeNull();
  const list = (await staff.get(today![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=')).expect(200)).text;
  expect(list).toContain(`/admin/encounters/${booked.id}`);
  expect(list).not.toContain(`/admin/encounters/${other.id}`);

  const byPnr = (await staff.post('/admin/encounters/sok').type('form').send({ personnummer: f.adultPnr }).expect(200))
    .text;
  expect(byPnr).toContain(`/admin/encounters/${booked.id}`);
  expect(byPnr).not.toContain(`/admin/encounters/${other.id}`);
  const byClinician = (await staff.get('/admin/encounters').query({ clinicianId: f.otherClinicianId }).expect(200))
    .text;
  expect(byClinician).not.toContain(`/admin/encounters/${booked.id}`);
  const unknown = (
    await staff.post('/admin/encounters/sok').type('form').send({ personnummer: '19121212-1212' }).expect(200)
  ).text;
  expect(unknown).toContain('Inga vårdmöten.');
});

it('the booked clinician switches a failing video meeting to phone from the encounter page; a care administrator cannot', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, {
    roomOpensBeforeSeconds: 1,
    noShowGraceSeconds: 120,
  });
  await throughIdentity(handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 2, 5);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await waitForState(handle, (s) => s.status === 'video');
  const clinician = await login(stack.app, { hsaId: f.staff.clinician });
  expect((await clinician.get(`/admin/encounters/${id}`).expect(200)).text).toContain('Byt till telefon');
  const careAdmin = await login(stack.app, { hsaId: f.staff.careAdmin });
  expect((await careAdmin.get(`/admin/encounters/${id}`).expect(200)).text).not.toContain('Ring patienten i stället');
  await careAdmin
    .post(`/admin/encounters/${id}/phone`)
    .type('form')
    .send({ _csrf: careAdmin.csrf, error: 'x' })
    .expect(403);
  await clinician
    .post(`/admin/encounters/${id}/phone`)
    .type('form')
    .send({ _csrf: clinician.csrf, error: 'Patienten hörde inget ljud' })
    .expect(303);
  expect((await handle.query(m.stateQuery)).modality).toBe('phone');
  await handle.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'test klart' }] }).catch(() => undefined);
});
