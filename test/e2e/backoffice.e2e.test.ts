/**
 * The care administrator's back office in a real browser: create an encounter, watch it move on
 * without reloading, book, reschedule, cancel another; refusals in Swedish. Screenshots of the main
 * pages go to test-results/screenshots/.
 */
import type { Page } from 'playwright-core';
import * as m from '../../workflows/encounter.messages';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { screenshot } from '../../testkit/browser';
import {
  admin,
  clinicianOf,
  runSession,
  startEncounter,
  throughIdentity,
  waitForStatus,
  YES,
} from '../../testkit/drive';
import { recordDeviation } from '../../db/deviations';
import { FixtureWith, makeFixture, makeSlot } from '../../testkit/fixtures';
import { loginInBrowser, newPage } from '../../testkit/meeting';
import { waitFor } from '../../testkit/wait';

jest.setTimeout(120_000);
const stack = useBrowserStack();
const shot = screenshot;

let f: FixtureWith<'staff' | 'guardian' | 'other-clinician'>;
beforeAll(async () => {
  f = await makeFixture(stack.ctx.orm, { with: ['staff', 'guardian', 'other-clinician'] });
});

const statusText = (page: Page) => page.locator('#status-label').textContent();

it('a care administrator creates, watches, books, reschedules and cancels encounters', async () => {
  const [first, second] = [
    await makeSlot(stack.ctx.orm, f.clinicianId, 3600, 30),
    await makeSlot(stack.ctx.orm, f.clinicianId, 7200, 30),
  ];
  const page = await newPage(stack.browser, 'care-admin');
  await loginInBrowser(page, `${BASE}/admin/encounters`, { hsaId: f.staff.careAdmin });
  await shot(page, 'encounters-list');
  await page.click('a[href="/admin/encounters/new"]');

  // A wrong personnummer is refused in Swedish, and nothing is created.
  await page.fill('input[name=personnummer]', '19811228-9875');
  await page.click('#new-encounter button[type=submit]');
  await expect(page.locator('#form-error').textContent()).resolves.toContain('kontrollsiffran stämmer inte');

  await page.fill('input[name=personnummer]', f.adultPnr);
  await page.fill('input[name=reason]', 'Uppföljning av blodtryck');
  await page.click('#new-encounter button[type=submit]');
  await page.waitForURL(/\/admin\/encounters\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  await expect(statusText(page)).resolves.toMatch(/Begärd|Lämplighetsbedömning/);
  await shot(page, 'encounter-new');

  // The clinician and the patient do their steps elsewhere; this page follows without a reload, and
  // without polling: the server pushes each new state of the projection (issue 29).
  const handle = stack.ctx.client.workflow.getHandle(m.encounterWorkflowId(id));
  let reloaded = false;
  page.on('framenavigated', (frame) => frame === page.mainFrame() && (reloaded = true));
  const polls: string[] = [];
  page.on('request', (r) => r.url().endsWith('/live') && polls.push(r.url()));
  await expect(page.evaluate(() => (window as unknown as { vardmoteLive?: string }).vardmoteLive)).resolves.toBe(
    'events',
  );
  await handle.executeUpdate(m.answerEligibilityUpdate, { args: [{ actor: clinicianOf(f), answers: YES }] });
  await handle.executeUpdate(m.recordIdentityUpdate, {
    args: [
      {
        actor: { id: f.adultId, role: 'patient' },
        claims: { personnummer: f.adultPnr, loa: 'loa3', method: 'bankid' },
      },
    ],
  });
  await page.waitForFunction(() => document.getElementById('status-label')?.textContent === 'Bokning', undefined, {
    timeout: 15_000,
  });
  await page.waitForSelector('#book-form');
  expect(reloaded).toBe(false);
  expect(polls).toEqual([]);

  await page.selectOption('#book-form select[name=slotId]', first.id);
  await page.click('#book-form button[type=submit]');
  await page.waitForSelector('#reschedule-form');
  await expect(statusText(page)).resolves.toBe('Förberedelse');
  await page.selectOption('#reschedule-form select[name=slotId]', second.id);
  await page.click('#reschedule-form button[type=submit]');
  await page.waitForFunction(() => document.body.innerText.includes('Ombokad'));
  expect((await handle.query(m.stateQuery)).slot?.slotId).toBe(second.id);
  await shot(page, 'encounter-booked');

  // Another encounter, cancelled from its page with a reason.
  const other = await startEncounter(stack.ctx, f, f.childId);
  await page.goto(`${BASE}/admin/encounters/${other.id}`);
  await page.fill('#cancel-form input[name=reason]', 'Patienten ringde och avbokade');
  await page.click('#cancel-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status-label')?.textContent === 'Avbokad');
  await waitForStatus(other.handle, 'cancelled');
  expect(await page.locator('#cancel-form').count()).toBe(0);
  expect((await handle.query(m.stateQuery)).status).toBe('pre-meeting');
});

it('a booking the workflow refuses is shown in Swedish on the page', async () => {
  const slot = await makeSlot(stack.ctx.orm, f.otherClinicianId, 3600, 30);
  const page = await newPage(stack.browser, 'care-admin-2');
  await loginInBrowser(page, `${BASE}/admin/encounters/new`, { hsaId: f.staff.careAdmin });
  await page.fill('input[name=personnummer]', f.adultPnr);
  await page.click('#new-encounter button[type=submit]');
  await page.waitForURL(/\/admin\/encounters\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  // Posting a booking while the encounter still waits for its eligibility answers: the workflow refuses.
  const res = await page.evaluate(
    async ({ id, slotId }) => {
      const csrf = (document.querySelector('input[name=_csrf]') as HTMLInputElement).value;
      const r = await fetch(`/admin/encounters/${id}/book`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, slotId }).toString(),
      });
      return { status: r.status, text: await r.text() };
    },
    { id, slotId: slot.id },
  );
  expect(res.status).toBe(409);
  expect(res.text).toContain('Det går inte i vårdmötets nuvarande steg');
});

it('a quality lead reviews a deviation to closed with an action and exports the month as CSV', async () => {
  const { id: encounterId } = await startEncounter(stack.ctx, f, f.adultId);
  const deviationId = await recordDeviation(stack.ctx.orm.em.fork(), {
    encounterId,
    category: 'no-show',
    severity: 'medium',
    description: 'Patienten anslöt inte inom 15 minuter.',
    dedupeKey: `no-show:${encounterId}`,
  });
  const page = await newPage(stack.browser, 'quality-lead');
  await loginInBrowser(page, `${BASE}/admin/deviations?category=no-show`, { hsaId: f.staff.qualityLead });
  await shot(page, 'deviations-list');
  await page.click(`tr[data-deviation="${deviationId}"] a`);
  await expect(page.locator('#deviation-status').textContent()).resolves.toBe('Ny');
  await page.fill('#start-review input[name=note]', 'Kontaktar patienten');
  await page.click('#start-review button[type=submit]');
  await page.waitForFunction(() => document.getElementById('deviation-status')?.textContent === 'Under utredning');
  // Closing without an action is not possible (the field is required, and the server checks it too).
  await page.fill('#close-deviation textarea[name=action]', 'Påminnelse-SMS införs dagen före besöket.');
  await page.click('#close-deviation button[type=submit]');
  await page.waitForFunction(() => document.getElementById('deviation-status')?.textContent === 'Avslutad');
  const history = await page.locator('table tbody tr').allTextContents();
  expect(history).toHaveLength(2);
  expect(history[1]).toContain('Påminnelse-SMS');
  expect(history[1]).toContain(f.staff.qualityLead);
  await expect(page.locator('#encounter-link').getAttribute('href')).resolves.toBe(`/admin/encounters/${encounterId}`);
  await shot(page, 'deviation-closed');

  const month = new Date().toISOString().slice(0, 7);
  await page.goto(`${BASE}/admin/deviations?from=${month}-01&to=${new Date().toISOString().slice(0, 10)}`);
  const csv = await page.evaluate(async () => {
    const href = (document.getElementById('csv-export') as HTMLAnchorElement).href;
    const r = await fetch(href);
    return { type: r.headers.get('content-type'), text: await r.text() };
  });
  expect(csv.type).toBe('text/csv; charset=utf-8');
  const lines = csv.text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  expect(lines[0]).toBe(
    'avvikelse_id;skapad;kategori;kategori_text;allvarlighet;status;enhet;vardmote_id;beskrivning;atgard;avslutad',
  );
  const row = lines.find((l) => l.startsWith(deviationId))!;
  expect(row.split(';')).toEqual([
    deviationId,
    expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
    'no-show',
    'Uteblivet besök',
    'medium',
    'closed',
    expect.stringContaining('Testenheten'),
    encounterId,
    'Patienten anslöt inte inom 15 minuter.',
    'Påminnelse-SMS införs dagen före besöket.',
    expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
  ]);
});

it('a clinician answers the eligibility questions and signs the journal note from Mina möten', async () => {
  const waiting = await startEncounter(stack.ctx, f, f.guardianId);
  const met = await startEncounter(stack.ctx, f, f.adultId, { roomOpensBeforeSeconds: 1 });
  await throughIdentity(met.handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 2, 1);
  await met.handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await runSession(met.handle, f);
  await waitForStatus(met.handle, 'documentation');

  const page = await newPage(stack.browser, 'clinician');
  await loginInBrowser(page, `${BASE}/admin/mina-moten`, { hsaId: f.staff.clinician });
  await shot(page, 'mina-moten');
  const item = page.locator(`[data-encounter="${waiting.id}"]`);
  for (const q of ['withoutPhysicalMeeting', 'suitsPatient', 'enoughInformation', 'followUpPossible'])
    await item.locator(`input[name=${q}][value=ja]`).check();
  await item.locator('button[type=submit]').click();
  await waitForStatus(waiting.handle, 'identity');

  const note = page.locator(`[data-encounter="${met.id}"] textarea[name=text]`);
  await note.fill('Bedömning via video: förbättrad, ingen ny åtgärd.');
  // The form posts and redirects to the same URL: wait for the redirected page itself, not the URL.
  const listed = page.waitForResponse((r) => r.url() === `${BASE}/admin/mina-moten` && r.request().method() === 'GET');
  await page.locator(`[data-encounter="${met.id}"] button[type=submit]`).click();
  await listed;
  const state = await waitForStatus(met.handle, 'closed');
  expect(state.timeline.find((t) => t.event === 'journal-note-written')?.actor.id).toBe(f.clinicianId);
  // The list is the encounter table's projection, written just after the workflow closes.
  await waitFor(
    async () => (await page.reload(), (await page.locator(`[data-encounter="${met.id}"]`).count()) === 0),
    'the signed encounter to leave Mina möten',
    10_000,
  );
});
