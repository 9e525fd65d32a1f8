/**
 * The accessibility gate (issue 28; DOS-lagen → EN 301 549 → WCAG 2.1 AA): axe-core, with the WCAG 2.0
 * and 2.1 A/AA rules, on every page for every role that may see it: the back office's pages from the
 * route table per staff role, Mina sidor, the login and error pages, and the meeting's pages before and
 * after admission. No serious or critical violation passes, and there is no list of exceptions.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { routeTable, type Grantee } from '../../api/http/access';
import { recordDeviation } from '../../db/deviations';
import { projectEncounter } from '../../db/encounters';
import { recordRating } from '../../db/ratings';
import { bgmaxFile } from '../../domain/bgmax-file';
import * as m from '../../workflows/encounter.messages';
import { book, startEncounter, throughIdentity, waitForState, waitForStatus } from '../../testkit/drive';
import { makeFixture, makeSlot, type FixtureWith, type StaffKey } from '../../testkit/fixtures';
import { login } from '../../testkit/login';
import { waitFor } from '../../testkit/wait';
import {
  admitParticipant,
  admitPatient,
  bookedEncounter,
  loginInBrowser,
  meetingLinks,
  newPage,
  remoteVideoPlaying,
} from '../../testkit/meeting';
import { AxeGate, seriousViolations } from '../support/axe';
import { BASE, backOfficeUrls, useBrowserStack } from '../support/browser-stack';
import { noShowInvoice } from '../support/finance';
import { testThread } from '../support/messages';

jest.setTimeout(300_000);
const stack = useBrowserStack();
const gate = new AxeGate();

const STAFF: Array<[Grantee, StaffKey]> = [
  ['care_admin', 'careAdmin'],
  ['clinician', 'clinician'],
  ['finance', 'finance'],
  ['quality_lead', 'qualityLead'],
  ['sysadmin', 'sysadmin'],
];

/** GET routes that answer JSON or only redirect: no page to check. */
const NOT_PAGES = ['/', '/login/:audience', '/healthz', '/readyz', '/metrics'];
/** The app's pages: every GET route that renders HTML (downloads, live polls, event streams and JSON left out). */
const pageRoutes = () =>
  routeTable(stack.app).filter(
    (r) =>
      r.method === 'GET' &&
      !/^\/(api|meet\/api|codec)\//.test(r.path) &&
      !/(\.csv|\/live|\/events|\/pdf)$/.test(r.path) &&
      !NOT_PAGES.includes(r.path),
  );
/** Which (route, role) pairs were checked, to prove at the end that none was left out. */
const covered = new Set<string>();

/**
 * Checks the page as it is now; the route and role are what the coverage check counts.
 * @returns the page's violations as lines
 */
async function check(page: Page, route: string, role: Grantee, label = `${role} ${new URL(page.url()).pathname}`) {
  covered.add(`${route} ${role}`);
  return gate.check(page, label);
}

/** Opens `url` (expecting `status`) and checks it. */
async function visit(page: Page, url: string, route: string, role: Grantee, status = 200): Promise<string[]> {
  const res = await page.goto(`${BASE}${url}`);
  await page.waitForLoadState('load');
  if (res?.status() !== status) return [`${role} ${url}: HTTP ${res?.status()}, expected ${status}`];
  return check(page, route, role, `${role} ${url}`);
}

/** A page in a context of its own, logged in as `who` by way of `first`. */
async function loggedIn(who: { hsaId: string } | { personnummer: string }, first: string): Promise<Page> {
  const page = await (await stack.browser.newContext()).newPage();
  await loginInBrowser(page, `${BASE}${first}`, who);
  return page;
}

let f: FixtureWith<'staff'>;
const ids = {} as {
  encounter: string;
  deviation: string;
  invoice: string;
  import: string;
  thread: string;
};

beforeAll(async () => {
  // Every page carries the demo banner too, so its colours are checked on each page.
  stack.app.locals.demo = true;
  f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  // A missed meeting with its invoice (Mina avgifter, the finance pages) …
  ids.invoice = (await noShowInvoice(stack.ctx, f)).invoice.id;
  // … a booked one days ahead (confirm or cancel on Mina sidor), one waiting for eligibility …
  const booked = await startEncounter(stack.ctx, f, f.adultId);
  await throughIdentity(booked.handle, f);
  await book(stack.ctx, booked.handle, f, { inSeconds: 3 * 86_400, minutes: 15 });
  ids.encounter = booked.id;
  // A free time to move it to (the move page lists it).
  await makeSlot(stack.ctx.orm, f.clinicianId, 2 * 86_400, 15);
  await startEncounter(stack.ctx, f, f.adultId);
  // … and two closed ones as the workflow's projection leaves them: one to rate, one rated (Uppföljning's chart).
  for (const rated of [false, true]) {
    const id = randomUUID();
    const at = new Date().toISOString();
    await projectEncounter(stack.ctx.orm.em.fork(), {
      encounterId: id,
      workflowId: `encounter-${id}`,
      patientId: f.adultId,
      careUnitId: f.unitId,
      status: 'closed',
      step: 'closed',
      waitingFor: null,
      outcome: 'closed',
      clinicianId: null,
      slotId: null,
      scheduledStart: at,
      closedAt: at,
      version: 1,
    });
    if (rated)
      await recordRating(stack.ctx.orm.em.fork(), { encounterId: id, score: 4, comment: null, ratedAs: 'patient' });
  }
  ids.deviation = await recordDeviation(stack.ctx.orm.em.fork(), {
    encounterId: booked.id,
    category: 'video-failure',
    severity: 'low',
    description: 'Bilden frös i 30 sekunder.',
    dedupeKey: `video:${booked.id}`,
  });
  const finance = await login(stack.app, { hsaId: f.staff.finance });
  ids.import = (
    await finance
      .post('/api/finance/bgmax?name=sidor.txt')
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(bgmaxFile([{ text: 'OKAND', ore: 1_000, serial: Date.now() % 1e9 }]), 'latin1'))
      .expect(201)
  ).body.importId;
  ids.thread = (
    await testThread(stack.ctx, f, {}, { subject: 'Fråga om recept', text: 'Kan jag förnya mitt recept?' })
  ).threadId;
}, 180_000);

afterAll(() => {
  gate.save();
  process.stdout.write(`${gate.summary()}\n`);
});

it('the checker finds violations on a page made to fail (an unlabelled field, low-contrast text, no language)', async () => {
  const page = await (await stack.browser.newContext()).newPage();
  await page.setContent(
    '<html><body><main><h1>Dålig sida</h1><p style="color:#bbb;background:#fff">Svag text</p><input type="text"></main></body></html>',
  );
  const found = await seriousViolations(page, 'bad page');
  expect(found.map((v) => v.rule)).toEqual(expect.arrayContaining(['color-contrast', 'label', 'html-has-lang']));
  expect(found.find((v) => v.rule === 'label')).toMatchObject({
    impact: 'critical',
    page: 'bad page',
    target: 'input',
  });
});

it('each staff role: every back-office page it may see has no serious or critical WCAG 2.1 AA violation', async () => {
  const pages = backOfficeUrls(stack.app, { ...ids, patient: f.adultId });
  const problems: string[] = [];
  for (const [role, key] of STAFF) {
    const page = await loggedIn({ hsaId: f.staff[key] }, '/admin');
    for (const p of pages.filter((x) => x.grantees.includes(role)))
      problems.push(...(await visit(page, p.url, p.route, role)));
    await page.context().close();
  }
  expect(problems).toEqual([]);
});

it('the patient: every page of Mina sidor has no serious or critical WCAG 2.1 AA violation', async () => {
  const idFor = (p: string) =>
    p.startsWith('/mina-sidor/moten/:id')
      ? ids.encounter
      : p.startsWith('/mina-sidor/meddelanden/:id')
        ? ids.thread
        : null;
  const page = await loggedIn({ personnummer: f.adultPnr }, '/mina-sidor');
  const problems: string[] = [];
  for (const r of pageRoutes().filter((x) => x.grantees?.includes('patient') && x.path !== '/meet/room/:id')) {
    const id = idFor(r.path);
    if (r.path.includes(':') && !id) throw new Error(`no id to open ${r.path} with: add one to idFor`);
    problems.push(...(await visit(page, id ? r.path.replace(':id', id) : r.path, r.path, 'patient')));
  }
  // The same pages with their status messages shown.
  problems.push(...(await visit(page, '/mina-sidor?betyg', '/mina-sidor', 'patient')));
  problems.push(...(await visit(page, '/mina-sidor/paminnelser?sparat', '/mina-sidor/paminnelser', 'patient')));
  expect(problems).toEqual([]);
});

it('the meeting: the way in, the waiting room, the admitted meeting and its end have no serious or critical violation', async () => {
  const meeting = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 90 });
  const { handle } = meeting;
  const links = await meetingLinks(stack.app, meeting.id, meeting.f);
  const clinician = await newPage(stack.browser, 'clinician');
  const patient = await newPage(stack.browser, 'patient');
  const problems: string[] = [];
  const enter = async (page: Page, url: string, who: { hsaId: string } | { personnummer: string }, role: Grantee) => {
    await loginInBrowser(page, url, who);
    problems.push(...(await check(page, '/meet/:token', 'anyone', `${role}: the way in`)));
    await page.click('#enter');
    await page.waitForSelector('#status-text');
  };
  await enter(clinician, links.clinicianUrl, { hsaId: meeting.f.staff.clinician }, 'clinician');
  await waitForStatus(handle, 'video');
  await enter(patient, links.patientUrl, { personnummer: meeting.f.adultPnr }, 'patient');

  // The interpreter without e-ID: the code page as it opens, with the code sent, with a wrong code; then its meeting page.
  const careAdmin = await login(stack.app, { hsaId: meeting.f.staff.careAdmin });
  const invited = (
    await careAdmin
      .post(`/api/encounters/${meeting.id}/participants/invitations`, {
        kind: 'interpreter',
        name: 'Tesfay Ghebre',
        language: 'tigrinja',
        identification: 'one-time-code',
        contact: { sms: '070-123 45 67' },
      })
      .expect(201)
  ).body as { url: string; participant: { id: string } };
  const guest = await newPage(stack.browser, 'interpreter');
  await guest.goto(invited.url);
  problems.push(...(await check(guest, '/meet/:token', 'anyone', 'interpreter: the code page')));
  await guest.click('#send-code');
  await guest.waitForSelector('#code-sent:not(:empty)');
  problems.push(...(await check(guest, '/meet/:token', 'anyone', 'interpreter: code sent')));
  const sms = await waitFor(async () => {
    const [row] = await stack.ctx.orm.em
      .fork()
      .execute<Array<{ text: string }>>("select text from outbox_message where encounter_id = ? and channel = 'sms'", [
        meeting.id,
      ]);
    return row;
  }, 'the code SMS');
  const code = /(\d{6})/.exec(sms.text)![1];
  await guest.fill('#code', code === '000000' ? '111111' : '000000');
  await guest.click('#verify-code');
  await guest.waitForSelector('#code-error');
  problems.push(...(await check(guest, '/meet/:token', 'anyone', 'interpreter: wrong code')));
  await guest.fill('#code', code);
  await guest.click('#verify-code');
  await guest.waitForSelector('#waiting-room', { state: 'visible' });

  await waitForState(handle, (s) => s.patientPresent, 45_000);
  await patient.waitForSelector('#waiting-room', { state: 'visible' });
  problems.push(...(await check(guest, '/meet/guest/:id', 'anyone', 'interpreter: waiting room')));
  await clinician.waitForFunction(
    () => (window as unknown as { vardmote: { phase: string } }).vardmote.phase === 'published',
  );
  problems.push(...(await check(patient, '/meet/room/:id', 'patient', 'patient: waiting room')));
  problems.push(...(await check(clinician, '/meet/room/:id', 'clinician', 'clinician: patient waiting')));

  await admitPatient(handle, clinician);
  await Promise.all([remoteVideoPlaying(clinician), remoteVideoPlaying(patient)]);
  problems.push(...(await check(patient, '/meet/room/:id', 'patient', 'patient: in the meeting')));
  problems.push(...(await check(clinician, '/meet/room/:id', 'clinician', 'clinician: in the meeting')));
  await admitParticipant(clinician, invited.participant.id);
  await guest.waitForSelector('#chat', { state: 'visible' });
  problems.push(...(await check(guest, '/meet/guest/:id', 'anyone', 'interpreter: in the meeting')));

  await clinician.click('#end');
  await waitForStatus(handle, 'documentation');
  await clinician.waitForSelector('#ended', { state: 'visible' });
  problems.push(...(await check(clinician, '/meet/room/:id', 'clinician', 'clinician: meeting ended')));
  // The encounter runs to its end here: no signal from the room's last events is still on its way at teardown.
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: { id: meeting.f.clinicianId, role: 'clinician' }, text: 'Videobesök genomfört.' }],
  });
  await Promise.all([patient.context().close(), clinician.context().close(), guest.context().close()]);
  await handle.result();
  expect(problems).toEqual([]);
});

it('the login and error pages have no serious or critical WCAG 2.1 AA violation', async () => {
  const problems: string[] = [];
  const anyone = await (await stack.browser.newContext()).newPage();
  // Every page open to anyone (the login's choice, and whatever joins it), as someone not logged in.
  for (const r of pageRoutes().filter((x) => x.grantees?.includes('anyone') && !x.path.includes(':')))
    problems.push(...(await visit(anyone, r.path, r.path, 'anyone')));
  problems.push(...(await visit(anyone, '/login?utloggad', '/login', 'anyone')));
  problems.push(...(await visit(anyone, '/finns-inte', '(error)', 'anyone', 404)));
  // The page speaks Swedish only (WCAG 3.1.2): not the API's English 'page not found'.
  await expect(anyone.locator('p.error').textContent()).resolves.toMatch(/^Det du letade efter finns inte/);
  problems.push(...(await visit(anyone, `/meet/${'x'.repeat(43)}`, '/meet/:token', 'anyone', 404)));
  // A SITHS card the app does not know: the refusal page.
  const refused = await (await stack.browser.newContext()).newPage();
  await loginInBrowser(refused, `${BASE}/admin`, { hsaId: `SE-OKAND-${randomUUID().slice(0, 8)}` });
  expect(new URL(refused.url()).pathname).toBe('/auth/callback/staff');
  problems.push(...(await check(refused, '/auth/callback/:audience', 'anyone', 'login refused')));
  // The error page with each kind of menu: a patient's 404 and a member of staff's 403.
  const patient = await loggedIn({ personnummer: f.adultPnr }, '/mina-sidor');
  problems.push(...(await visit(patient, `/mina-sidor/moten/${randomUUID()}`, '(error)', 'patient', 404)));
  const clinician = await loggedIn({ hsaId: f.staff.clinician }, '/admin');
  problems.push(...(await visit(clinician, '/admin/ekonomi', '(error)', 'clinician', 403)));
  expect(problems).toEqual([]);
});

it('every page of the route table was checked for every role that may see it', () => {
  const roles = (g: readonly Grantee[]) =>
    g.includes('anyone') ? ['anyone'] : g.filter((x) => x === 'patient' || STAFF.some(([r]) => r === x));
  const missing = pageRoutes().flatMap((r) =>
    roles(r.grantees ?? [])
      .filter((role) => !covered.has(`${r.path} ${role}`))
      .map((role) => `${r.path} ${role}`),
  );
  expect(missing).toEqual([]);
  expect(covered.has('(error) anyone')).toBe(true);
  expect(gate.checked.length).toBeGreaterThanOrEqual(40);
});
