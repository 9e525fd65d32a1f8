/**
 * Someone is waiting, and the patient's rating (issue 27), in real browsers: a patient in the waiting
 * room makes the clinician's open worklist and the encounter page alert without a reload, the
 * patient's page says when the meeting was due, the alert ends once the clinician is in the meeting;
 * a rating given on Mina sidor shows on Uppföljning.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import * as m from '../../workflows/encounter.messages';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { waitForState, waitForStatus } from '../../testkit/drive';
import { makeFixture } from '../../testkit/fixtures';
import { bookedEncounter, enterInBrowser, loginInBrowser, meetingLinks, newPage } from '../../testkit/meeting';
import { screenshot } from '../../testkit/browser';
import { stockholmDateOf } from '../../domain/dates';

jest.setTimeout(150_000);
const stack = useBrowserStack();

const hhmm = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
const banner = (page: Page) => page.locator('#waiting-alerts .waiting-alert');
/** Waits until the element's whole text is `text`. */
const hasText = (page: Page, selector: string, text: string) =>
  page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent?.trim() === want, [selector, text], {
    timeout: 20_000,
  });

it("a waiting patient makes the clinician's open worklist alert without a reload; the alert ends once the clinician is in the meeting", async () => {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 300 });
  const worklist = await newPage(stack.browser, 'worklist');
  await loginInBrowser(worklist, `${BASE}/admin/mina-moten`, { hsaId: f.staff.clinician });
  await worklist.waitForSelector(`.worklist-item[data-encounter="${id}"]`);
  await expect(banner(worklist).count()).resolves.toBe(0);
  let reloaded = false;
  worklist.on('framenavigated', (frame) => frame === worklist.mainFrame() && (reloaded = true));

  // The patient opens the meeting page; it tells the server it is in the waiting room.
  await waitForStatus(handle, 'video');
  const links = await meetingLinks(stack.app, id, f);
  const patient = await newPage(stack.browser, 'patient');
  await enterInBrowser(patient, links.patientUrl, { personnummer: f.adultPnr });
  const s = await waitForState(handle, (st) => st.patientPresent, 45_000);
  const since = s.waitingRoom?.since ?? s.timeline.filter((t) => t.event === 'patient-joined').pop()!.at;
  const text = `Patienten väntar i väntrummet sedan ${hhmm(since)} – mötet skulle börja ${hhmm(s.slot!.startsAt)}`;

  await hasText(worklist, '#waiting-alerts .waiting-alert', text);
  await worklist.waitForFunction(() => document.title.startsWith('(1) Patient väntar – Mina möten'));
  await expect(worklist.locator('#waiting-alerts').getAttribute('aria-live')).resolves.toBe('assertive');
  await expect(worklist.locator(`.worklist-item.waiting[data-encounter="${id}"]`).count()).resolves.toBe(1);
  expect(reloaded).toBe(false);
  await screenshot(worklist, 'worklist-patient-waiting');

  // The patient's page says honestly when the meeting was due.
  await hasText(patient, '#waiting-notes', `Mötet skulle börja ${hhmm(s.slot!.startsAt)}.`);

  // The encounter page alerts too, from the state pushed to it (server-sent events fed by the projection).
  const encounterPage = await newPage(stack.browser, 'encounter-page');
  await loginInBrowser(encounterPage, `${BASE}/admin/encounters/${id}`, { hsaId: f.staff.clinician });
  await hasText(encounterPage, '#waiting-alerts .waiting-alert', text);
  await encounterPage.waitForFunction(() => document.title.startsWith('(1) Patient väntar – Vårdmöte'));

  // The clinician enters the meeting (Janus tells the workflow): both alerts go away, still without a reload.
  const room = await newPage(stack.browser, 'clinician-room');
  await enterInBrowser(room, links.clinicianUrl, { hsaId: f.staff.clinician });
  await waitForState(handle, (st) => st.clinicianPresent, 45_000);
  await worklist.waitForFunction(
    () => document.querySelectorAll('#waiting-alerts .waiting-alert').length === 0,
    undefined,
    { timeout: 20_000 },
  );
  await worklist.waitForFunction(() => document.title === 'Mina möten · Vårdmöte');
  await encounterPage.waitForFunction(
    () => document.querySelectorAll('#waiting-alerts .waiting-alert').length === 0,
    undefined,
    { timeout: 20_000 },
  );
  expect(reloaded).toBe(false);
  expect((await handle.query(m.stateQuery)).sessionStartedAt).toBeNull();
});

it('a rating given on Mina sidor shows on Uppföljning: count and mean for the unit and month', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  // A closed encounter as the workflow's projection leaves it, this month.
  const id = randomUUID();
  await stack.ctx.orm.em
    .fork()
    .execute(
      `insert into encounter (id, workflow_id, patient_id, care_unit_id, status, step, scheduled_start) values (?, ?, ?, ?, 'closed', 'closed', now())`,
      [id, `encounter-${id}`, f.adultId, f.unitId],
    );
  const patient = await newPage(stack.browser, 'patient');
  await loginInBrowser(patient, `${BASE}/mina-sidor`, { personnummer: f.adultPnr });
  const form = patient.locator(`form[action="/mina-sidor/moten/${id}/betyg"]`);
  await expect(form.locator('legend').textContent()).resolves.toBe('Hur nöjd är du med ditt digitala vårdmöte?');
  await form.getByLabel('4 – Nöjd').check();
  await form.locator('textarea[name=comment]').fill('Smidigt och bra.');
  await form.locator('button[type=submit]').click();
  await patient.waitForURL(/\/mina-sidor\?betyg/);
  await expect(patient.locator(`[data-rating-for="${id}"] .rating-given`).textContent()).resolves.toBe(
    'Tack för ditt betyg: 4 av 5 (Nöjd).',
  );

  const month = stockholmDateOf(new Date()).slice(0, 7);
  const lead = await newPage(stack.browser, 'quality-lead');
  await loginInBrowser(lead, `${BASE}/admin/followup?from=${month}&to=${month}`, { hsaId: f.staff.qualityLead });
  const [{ name }] = await stack.ctx.orm.em
    .fork()
    .execute<Array<{ name: string }>>('select name from care_unit where id = ?', [f.unitId]);
  const cells = await lead.locator('#followup-rows tbody tr', { hasText: name }).locator('td').allTextContents();
  // Månad, enhet, genomförda … uteblivna, andel uteblivna, then the ratings beside it.
  expect(cells.slice(0, 10)).toEqual([month, name, '1', '0', '0', '0', '0', '0 %', '1', '4,0']);
  await expect(lead.locator('#ratings svg.chart').count()).resolves.toBe(1);
  await expect(lead.locator('body').textContent()).resolves.not.toContain('Smidigt och bra.');
  await screenshot(lead, 'followup-ratings');
});
