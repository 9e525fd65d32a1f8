/**
 * The journal and visit registration in a real browser (issue 25): the clinician sees "Journalförd"
 * on an encounter whose note reached the test journal, finds a note the journal did not take on Mina
 * möten and confirms the manual entry there; finance opens the month's registrations and downloads
 * its CSV for the PAS.
 */
import fs from 'node:fs';
import { BASE, useBrowserStack } from '../support/browser-stack';
import * as m from '../../workflows/encounter.messages';
import type { JournalPort } from '../../activities/journal';
import { createTestEhr, journalPortOf } from '../../scripts/test-ehr/server';
import { makeFixture, type FixtureWith } from '../../testkit/fixtures';
import {
  book,
  runSession,
  startEncounter,
  throughIdentity,
  waitForState,
  waitForStatus,
  writeNote,
} from '../../testkit/drive';
import { loginInBrowser, newPage } from '../../testkit/meeting';
import { stockholmDateOf } from '../../domain/dates';

jest.setTimeout(180_000);
let journalDown = false;
const ehr = createTestEhr({ id: 'e2e', secret: 'e2e-secret' });
const inner = journalPortOf(ehr, () => journalDown);
const journal: JournalPort = { transaction: (b) => inner.transaction(b) };
const stack = useBrowserStack(undefined, { journal: () => journal });

let f: FixtureWith<'staff'>;
beforeEach(async () => {
  f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
});

afterEach(() => void (journalDown = false));

/** Slots a clinician's minutes apart, each room open at once (its patient is admitted before start). */
let slotsBooked = 0;
async function signed(policy: Partial<m.EncounterPolicy> = {}) {
  const { id, handle } = await startEncounter(stack.ctx, f, f.adultId, { roomOpensBeforeSeconds: 3600, ...policy });
  await throughIdentity(handle, f);
  await book(stack.ctx, handle, f, { inSeconds: 5 + 90 * (slotsBooked++ % 30) });
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await writeNote(handle, f, 'Bedömning: bättre. Plan: ingen uppföljning.');
  return { id, handle };
}

it('the clinician sees "Journalförd" once the journal has the note, and confirms by hand one it did not take', async () => {
  const delivered = await signed();
  await delivered.handle.result();
  journalDown = true;
  const stuck = await signed({ journalReceiptSeconds: 2 });
  await waitForState(stuck.handle, (s) => s.journal?.status === 'manual-needed', 30_000);

  const page = await newPage(stack.browser, 'clinician');
  await loginInBrowser(page, `${BASE}/admin/encounters/${delivered.id}`, { hsaId: f.staff.clinician });
  await expect(page.locator('#journal-status').textContent()).resolves.toContain('Journalförd');

  await page.goto(`${BASE}/admin/mina-moten`);
  const item = page.locator(`form[action="/admin/mina-moten/${stuck.id}/journal-entry"]`);
  await expect(item.textContent()).resolves.toContain('Journalsystemet har inte tagit emot anteckningen');
  await item.locator('button[type=submit]').click();
  await page.waitForURL(/\/admin\/mina-moten$/);
  expect(await stuck.handle.result()).toMatchObject({ status: 'closed' });
  await page.goto(`${BASE}/admin/encounters/${stuck.id}`);
  await expect(page.locator('#journal-status').textContent()).resolves.toMatch(
    /^Införd för hand av clinician Test \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
  );
});

it('finance opens the month of registrations and downloads its CSV', async () => {
  const { handle } = await signed();
  await handle.result();
  const page = await newPage(stack.browser, 'finance');
  await loginInBrowser(page, `${BASE}/admin/registreringar`, { hsaId: f.staff.finance });
  await expect(page.locator('#registrations').textContent()).resolves.toContain(f.adultPnr);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#registrations-csv')]);
  expect(download.suggestedFilename()).toBe(`besoksregistrering_${stockholmDateOf(new Date()).slice(0, 7)}.csv`);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  expect(text.split('\n')[0]).toContain('kontaktdatum;vardenhet_hsa_id');
  expect(text).toContain(`HSA-${f.unitId}`);
});
