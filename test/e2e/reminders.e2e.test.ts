/**
 * Confirm or cancel from the reminder (issue 27), in real browsers: the SMS sent at booking links to
 * the meeting's page on Mina sidor, which asks for a login, states the late-cancel fee before the click
 * and cancels with the reminder as the source the care administrator reads on the timeline; a patient
 * confirms from Mina sidor and chooses mail only for reminders.
 */
import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import * as m from '../../workflows/encounter.messages';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { findCareUnit } from '../../db/care';
import { findPatient, setPatientPhone } from '../../db/people';
import { formatKronor, stockholmTime } from '../../domain/format';
import { REGION_FEES } from '../../domain/fees';
import { toE164 } from '../../domain/phone';
import { DEFAULT_REMINDER_POLICY, reminderTime, type ReminderPolicy } from '../../domain/reminders';
import { screenshot } from '../../testkit/browser';
import { book, startEncounter, throughIdentity, waitForState, waitForStatus } from '../../testkit/drive';
import { makeFixture } from '../../testkit/fixtures';
import { loginInBrowser, newPage } from '../../testkit/meeting';
import { waitFor } from '../../testkit/wait';
import { captureSms } from '../../testkit/worker';

jest.setTimeout(150_000);
const sms = captureSms();
const stack = useBrowserStack(undefined, { sms: () => sms });

/** Only the SMS at booking: the other reminders would fall long after the test. */
const AT_BOOKING_ONLY: ReminderPolicy = {
  ...DEFAULT_REMINDER_POLICY,
  atBooking: true,
  dayBeforeHour: null,
  beforeMeetingSeconds: null,
  openInvitationSeconds: null,
  waitingAlertSeconds: null,
};
/**
 * A cancellation is late only when the time was booked before the late-cancel window began (a time
 * booked inside it can be cancelled free). So the slot starts the window plus LEAD_SECONDS ahead: the
 * page states the free cancellation first, and LEAD_SECONDS later the fee.
 */
const WINDOW_SECONDS = 2 * 3600;
const LEAD_SECONDS = 30;

/** Whitespace as read (the kronor format has a no-break space). */
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const textOf = async (page: Page, selector: string) => squash((await page.locator(selector).textContent()) ?? '');
const FEE = squash(formatKronor(REGION_FEES.stockholm.noShowOre));

/** An encounter of a fixture's adult patient (with a mobile number of its own), booked about 2 h ahead. */
async function bookedWithReminder(policy: Partial<m.EncounterPolicy>) {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const phone = `070${randomInt(1_000_000, 10_000_000)}`;
  await setPatientPhone(stack.ctx.orm.em.fork(), f.adultId, phone);
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, { reminders: AT_BOOKING_ONLY, ...policy });
  await throughIdentity(handle, f);
  const { slot } = await book(stack.ctx, handle, f, { inSeconds: WINDOW_SECONDS + LEAD_SECONDS, minutes: 15 });
  const unitName = (await findCareUnit(stack.ctx.orm.em.fork(), f.unitId))!.name;
  return { f, id, handle, startsAt: slot.startsAt.toISOString(), unitName, to: toE164(phone)! };
}

it('the patient cancels late from the SMS reminder after logging in: the fee is stated before the click, and the encounter shows Avbokad from the reminder', async () => {
  const { f, id, handle, startsAt, unitName, to } = await bookedWithReminder({ lateCancelSeconds: WINDOW_SECONDS });
  const state = await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'reminder-sent'));
  const lateFrom = state.deadlines.lateCancelFrom!;
  expect(lateFrom).toBe(new Date(Date.parse(startsAt) - WINDOW_SECONDS * 1000).toISOString());

  // The booking's SMS: unit, time and link only.
  const text = (await waitFor(() => sms.sent.find((x) => x.to === to), 'the SMS at booking')).text;
  expect(text).toContain(unitName);
  expect(text).toContain(reminderTime(startsAt));
  expect(text).not.toContain(f.adultPnr);
  const link = new URL(/https?:\/\/\S+/.exec(text)![0]);
  expect(`${link.origin}${link.pathname}`).toBe(`${BASE}/mina-sidor/moten/${id}`);
  if (!link.searchParams.has('source')) link.searchParams.set('source', 'reminder');
  expect(link.searchParams.get('source')).toBe('reminder');

  // The link asks for a login (a fresh browser), then opens the meeting's page, still free to cancel.
  const page = await newPage(stack.browser, 'patient');
  await loginInBrowser(page, link.href, { personnummer: f.adultPnr });
  expect(page.url()).toBe(link.href);
  expect(Date.now()).toBeLessThan(Date.parse(lateFrom));
  await expect(textOf(page, 'h1')).resolves.toBe('Ditt digitala vårdmöte');
  await expect(textOf(page, '.facts')).resolves.toContain(`Tid${stockholmTime(startsAt)} (svensk tid)`);
  await expect(textOf(page, '#avgift')).resolves.toBe(
    `Du kan avboka utan kostnad fram till ${stockholmTime(lateFrom)}. Avbokar du senare, eller uteblir, tas en avgift för uteblivet besök ut (${FEE}).`,
  );
  await expect(page.getByRole('button', { name: 'Avboka tiden' }).count()).resolves.toBe(1);

  // Once the window has begun the page states the fee, and the button says what the click costs.
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(lateFrom) - Date.now()) + 1000));
  await page.reload();
  await expect(textOf(page, '#avgift')).resolves.toBe(
    `Mötet börjar om mindre än 2 timmar. Avbokar du nu tas en avgift för uteblivet besök ut: ${FEE}.`,
  );
  const cancel = page.locator(`form[action="/mina-sidor/moten/${id}/avboka"]`);
  await expect(cancel.locator('input[name=source]').inputValue()).resolves.toBe('reminder');
  await screenshot(page, 'patient/meeting-late-cancel');
  await cancel.getByRole('button', { name: `Avboka och betala ${FEE}` }).click();
  await page.waitForURL(`${BASE}/mina-sidor/moten/${id}?klart=avbokad`);
  await expect(textOf(page, '[role=status]')).resolves.toBe('Tiden är avbokad.');
  await expect(textOf(page, '[data-status]')).resolves.toBe('Avbokad');
  await expect(page.locator('form[action$="/avboka"]').count()).resolves.toBe(0);

  // The workflow: cancelled from the reminder, late, with the late-cancel fee the page stated.
  const done = await waitForStatus(handle, 'cancelled');
  expect(done.timeline.at(-1)).toMatchObject({
    event: 'cancelled',
    actor: { role: 'patient' },
    detail: { source: 'reminder', late: true, reason: 'Avbokad av patienten från påminnelsen' },
  });
  expect(done.charges).toMatchObject([
    { kind: 'late-cancel', chargeOre: REGION_FEES.stockholm.noShowOre, reason: 'late-cancel' },
  ]);

  // The care administrator's encounter page: Avbokad, from the reminder, with the fee.
  const staff = await newPage(stack.browser, 'care-admin');
  await loginInBrowser(staff, `${BASE}/admin/encounters/${id}`, { hsaId: f.staff.careAdmin });
  await expect(textOf(staff, '#status-label')).resolves.toBe('Avbokad');
  const rows = await staff
    .locator('#live-timeline tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')),
    );
  const last = rows.at(-1)!;
  expect([last[2], last[4]]).toEqual(['Avbokad', 'avslutat · från påminnelsen']);
  expect(last[3]).toMatch(/\(patient\)$/);
  const charge = staff.locator('dt', { hasText: 'Avgift för sen avbokning' }).locator('xpath=following-sibling::dd[1]');
  await expect(charge.textContent().then((t) => squash(t ?? ''))).resolves.toBe(`${FEE} · sen avbokning`);
  await screenshot(staff, 'care_admin/encounter-cancelled-from-reminder');
});

it('the patient confirms a booked time from Mina sidor, and chooses reminders by mail only', async () => {
  const { f, id, handle, startsAt, unitName } = await bookedWithReminder({ lateCancelSeconds: 24 * 3600 });
  // Another encounter of the patient's, with no time booked: nothing to confirm or cancel.
  const { id: unbooked } = await startEncounter(stack.ctx, f, f.adultId);

  const page = await newPage(stack.browser, 'patient');
  await loginInBrowser(page, `${BASE}/mina-sidor`, { personnummer: f.adultPnr });
  await expect(page.locator(`tr[data-encounter="${unbooked}"] a.meeting-link`).count()).resolves.toBe(0);
  // The link's name says which meeting (visually hidden text); its visible text is short.
  const name = `Bekräfta eller avboka mötet ${stockholmTime(startsAt)} på ${unitName}`;
  const link = page.locator(`tr[data-encounter="${id}"] a.meeting-link`);
  await expect(link.evaluate((a) => a.firstChild?.textContent)).resolves.toBe('Bekräfta eller avboka');
  const hidden = await link.locator('.visually-hidden').boundingBox();
  expect(hidden!.width * hidden!.height).toBeLessThanOrEqual(1);
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL(`${BASE}/mina-sidor/moten/${id}`);
  // Booked inside the 24 h window: free to cancel.
  await expect(textOf(page, '#avgift')).resolves.toBe('Tiden bokades så nära mötet att du kan avboka utan kostnad.');
  await expect(page.locator('.confirmed').count()).resolves.toBe(0);
  await page.getByRole('button', { name: 'Jag kommer' }).click();
  await page.waitForURL(`${BASE}/mina-sidor/moten/${id}?klart=bekraftad`);
  await expect(textOf(page, '[role=status]')).resolves.toBe('Tack! Du har bekräftat att du kommer.');
  await expect(textOf(page, '.confirmed')).resolves.toBe('Du har bekräftat att du kommer.');
  await expect(page.getByRole('button', { name: 'Jag kommer' }).count()).resolves.toBe(0);
  await expect(page.getByRole('button', { name: 'Avboka tiden' }).count()).resolves.toBe(1);

  const s = await handle.query(m.stateQuery);
  expect(s.status).toBe('pre-meeting');
  expect(s.attendanceConfirmedAt?.startsAt).toBe(startsAt);
  expect(s.timeline.at(-1)).toMatchObject({
    event: 'attendance-confirmed',
    outcome: 'confirmed',
    detail: { source: 'mina-sidor' },
  });

  // Påminnelser, from the home page's links: mail only.
  const em = () => stack.ctx.orm.em.fork();
  await expect(findPatient(em(), f.adultId)).resolves.toMatchObject({ reminderChannels: 'both' });
  await page.goto(`${BASE}/mina-sidor`);
  await page.getByRole('link', { name: 'Påminnelser', exact: true }).click();
  await page.waitForURL(`${BASE}/mina-sidor/paminnelser`);
  const form = page.locator('form.reminder-choice', { has: page.locator('legend', { hasText: 'Vuxen Testsson' }) });
  await expect(form.getByLabel('SMS och e-post').isChecked()).resolves.toBe(true);
  await form.getByLabel('Bara e-post').check();
  await form.getByRole('button', { name: 'Spara' }).click();
  await page.waitForURL(`${BASE}/mina-sidor/paminnelser?sparat`);
  await expect(textOf(page, '[role=status]')).resolves.toBe('Ditt val är sparat.');
  await expect(form.getByLabel('Bara e-post').isChecked()).resolves.toBe(true);
  await expect(findPatient(em(), f.adultId)).resolves.toMatchObject({ reminderChannels: 'mail' });
  await screenshot(page, 'patient/reminder-channels');
});
