/**
 * Mina sidor lets the patient act (issue 28), in real browsers: from the list the patient joins an open
 * meeting, moves another to a free time (a time taken meanwhile is refused in Swedish and nothing
 * changes), and cancels a third inside the late-cancel window with the fee stated before the click; a
 * guardian does the same for a young child.
 */
import type { Page } from 'playwright-core';
import * as m from '../../workflows/encounter.messages';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { formatKronor, stockholmTime } from '../../domain/format';
import { REGION_FEES } from '../../domain/fees';
import { screenshot } from '../../testkit/browser';
import { admin, startEncounter, throughIdentity, waitForState, waitForStatus } from '../../testkit/drive';
import { makeFixture, makeSlot } from '../../testkit/fixtures';
import { loginInBrowser, newPage } from '../../testkit/meeting';

jest.setTimeout(240_000);
const stack = useBrowserStack();

/** Whitespace as read (the kronor format has a no-break space). */
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const textOf = async (page: Page, selector: string) => squash((await page.locator(selector).textContent()) ?? '');
const FEE = squash(formatKronor(REGION_FEES.stockholm.noShowOre));
/** The late-cancel window of the cancelled meeting, and how far ahead it is booked. */
const WINDOW_SECONDS = 120;
const LATE_AHEAD_SECONDS = 140;

type Fixture = Awaited<ReturnType<typeof fixture>>;
const fixture = () => makeFixture(stack.ctx.orm, { with: ['guardian', 'other-clinician'] });

/** Three meetings of one patient: one whose room opens now, one to move, one to cancel late. */
async function threeMeetings(f: Fixture, patientId: string, identity: { pnr: string; role: m.Role }) {
  const bookOn = async (clinicianId: string, inSeconds: number, policy: Partial<m.EncounterPolicy>) => {
    const e = await startEncounter(stack.ctx, f, patientId, { activityTimeoutSeconds: 15, ...policy });
    await throughIdentity(e.handle, f, identity.pnr, identity.role);
    const slot = await makeSlot(stack.ctx.orm, clinicianId, inSeconds, 15);
    await e.handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
    return { ...e, slot };
  };
  const late = await bookOn(f.otherClinicianId, LATE_AHEAD_SECONDS, { lateCancelSeconds: WINDOW_SECONDS });
  const join = await bookOn(f.clinicianId, 3, { roomOpensBeforeSeconds: 1, noShowGraceSeconds: 600 });
  const moving = await bookOn(f.clinicianId, 3 * 3600, { lateCancelSeconds: 3600 });
  return { late, join, moving };
}

/**
 * The whole visit to Mina sidor as `who`: join, move (the first chosen time is booked to someone else
 * between showing the page and the click, so it is refused), cancel late.
 */
async function actOnMinaSidor(
  f: Fixture,
  who: string,
  meetings: Awaited<ReturnType<typeof threeMeetings>>,
  name: string,
) {
  const { late, join, moving } = meetings;
  const taken = await makeSlot(stack.ctx.orm, f.otherClinicianId, 5 * 3600, 15);
  const free = await makeSlot(stack.ctx.orm, f.otherClinicianId, 6 * 3600, 15);
  const page = await newPage(stack.browser, name);
  await waitForStatus(join.handle, 'video');
  await loginInBrowser(page, `${BASE}/mina-sidor`, { personnummer: who });

  // What happens next, on each meeting of the list.
  const row = (id: string) => page.locator(`tr[data-encounter="${id}"]`);
  await expect(textOf(page, `tr[data-encounter="${join.id}"] .next-step`)).resolves.toBe(
    'Mötet är öppet. Gå in i väntrummet; vårdgivaren släpper in dig.',
  );
  await expect(textOf(page, `tr[data-encounter="${moving.id}"] .next-step`)).resolves.toMatch(/^Mötet öppnar \d{4}-/);

  // 1. Join from the list: into the meeting's waiting room (the room stays open; the rest goes on in another tab).
  await row(join.id)
    .getByRole('button', { name: /^Gå till mötet/ })
    .click();
  await page.waitForURL(`${BASE}/meet/room/${join.id}`);
  await waitForState(join.handle, (s) => s.patientPresent, 45_000);
  await screenshot(page, `${name}/joined-from-mina-sidor`);
  const tab = await page.context().newPage();

  // 2. Move: the meeting's page, the move page with the rule stated, a time taken meanwhile, then a free one.
  await tab.goto(`${BASE}/mina-sidor/moten/${moving.id}`);
  await tab.getByRole('link', { name: 'Flytta tiden' }).click();
  await tab.waitForURL(`${BASE}/mina-sidor/moten/${moving.id}/flytta?source=mina-sidor`);
  const lateFrom = new Date(moving.slot.startsAt.getTime() - 3600_000);
  await expect(textOf(tab, '#avgift')).resolves.toBe(
    `Du kan flytta utan kostnad fram till ${stockholmTime(lateFrom)}. Flyttar du senare, eller uteblir, tas en avgift för uteblivet besök ut (${FEE}).`,
  );
  await tab.locator(`input[name=slotId][value="${taken.id}"]`).check();
  const other = await startEncounter(stack.ctx, f, f.adultId);
  await throughIdentity(other.handle, f);
  await other.handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: taken.id }] });
  await tab.getByRole('button', { name: 'Flytta till vald tid' }).click();
  await expect(textOf(tab, '#fel')).resolves.toBe('Tiden har blivit upptagen av en annan patient. Välj en annan tid.');
  await expect(tab.locator(`input[name=slotId][value="${taken.id}"]`).count()).resolves.toBe(0);
  expect((await moving.handle.query(m.stateQuery)).slot?.slotId).toBe(moving.slot.id);
  await screenshot(tab, `${name}/move-refused`);
  await tab.locator(`input[name=slotId][value="${free.id}"]`).check();
  await tab.getByRole('button', { name: 'Flytta till vald tid' }).click();
  await tab.waitForURL(`${BASE}/mina-sidor/moten/${moving.id}?klart=flyttad`);
  await expect(textOf(tab, '[role=status]')).resolves.toBe('Tiden är flyttad. Din nya tid står nedan.');
  await expect(textOf(tab, '.facts')).resolves.toContain(`Tid${stockholmTime(free.startsAt)} (svensk tid)`);
  expect((await moving.handle.query(m.stateQuery)).slot?.slotId).toBe(free.id);

  // 3. Cancel inside the late-cancel window: the fee before the click, on the button too.
  const lateCancelFrom = (await late.handle.query(m.stateQuery)).deadlines.lateCancelFrom!;
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(lateCancelFrom) - Date.now()) + 1000));
  await tab.goto(`${BASE}/mina-sidor/moten/${late.id}`);
  await expect(textOf(tab, '#avgift')).resolves.toBe(
    `Mötet börjar om mindre än 2 minuter. Avbokar du nu tas en avgift för uteblivet besök ut: ${FEE}.`,
  );
  await expect(textOf(tab, '#uteblivet')).resolves.toContain(`avgift för uteblivet besök ut: ${FEE}`);
  await expect(textOf(tab, '#om-motet')).resolves.toContain('ingenting spelas in');
  await screenshot(tab, `${name}/late-cancel`);
  await tab.getByRole('button', { name: `Avboka och betala ${FEE}` }).click();
  await tab.waitForURL(`${BASE}/mina-sidor/moten/${late.id}?klart=avbokad`);
  await expect(textOf(tab, '[data-status]')).resolves.toBe('Avbokad');
  const cancelled = await waitForStatus(late.handle, 'cancelled');
  expect(cancelled.charges).toMatchObject([{ kind: 'late-cancel', chargeOre: REGION_FEES.stockholm.noShowOre }]);

  for (const e of [join.handle, moving.handle, other.handle])
    await e.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
  return { moved: await moving.handle.query(m.stateQuery) };
}

it('the patient joins from Mina sidor, moves a meeting (a taken time refused in Swedish first) and cancels another late, the fee stated before the click', async () => {
  const f = await fixture();
  const meetings = await threeMeetings(f, f.adultId, { pnr: f.adultPnr, role: 'patient' });
  const { moved } = await actOnMinaSidor(f, f.adultPnr, meetings, 'patient');
  expect(moved.timeline.find((t) => t.event === 'rescheduled')?.actor.role).toBe('patient');
});

it('a guardian does the same for a young child', async () => {
  const f = await fixture();
  const meetings = await threeMeetings(f, f.childId, { pnr: f.guardianPnr, role: 'guardian' });
  const { moved } = await actOnMinaSidor(f, f.guardianPnr, meetings, 'guardian');
  expect(moved.timeline.find((t) => t.event === 'rescheduled')?.actor.role).toBe('guardian');
});
