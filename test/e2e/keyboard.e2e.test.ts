/**
 * Keyboard-only walks (issue 28, WCAG 2.1.1 and 2.4.7): a patient and a clinician through a whole video
 * meeting, the patient on to write a message, and a finance user importing a BgMax file, each with Tab,
 * Shift+Tab, Enter and Space alone. Every control is reached by Tab with a visible focus ring, and where
 * the page changes by itself (admitted, ended) focus is moved to what changed.
 */
import type { Page } from 'playwright-core';
import { bgmaxFile } from '../../domain/bgmax-file';
import { waitForState, waitForStatus } from '../../testkit/drive';
import { bookedEncounter, meetingLinks, newPage, remoteVideoPlaying } from '../../testkit/meeting';
import { makeFixture } from '../../testkit/fixtures';
import * as m from '../../workflows/encounter.messages';
import { noShowInvoice } from '../support/finance';
import { focusedId, pressOn, tabTo, typeInto } from '../support/keyboard';
import { BASE, useBrowserStack } from '../support/browser-stack';

jest.setTimeout(180_000);
const stack = useBrowserStack();

/** The app's login choice and the test provider's form, by keyboard: the e-ID or SITHS stand-in. */
async function loginByKeyboard(page: Page, url: string, who: { personnummer: string } | { hsaId: string }) {
  await page.goto(url);
  if (new URL(page.url()).pathname === '/login')
    await pressOn(page, `a[href^="/login/${'hsaId' in who ? 'staff' : 'patient'}"]`);
  await page.waitForURL(/\/interaction\//);
  await pressOn(page, 'details summary');
  if ('hsaId' in who) await typeInto(page, 'input[name=hsaId]', who.hsaId);
  else await typeInto(page, 'input[name=personnummer]', who.personnummer.replace('-', ''));
  await pressOn(page, 'form.custom button[type=submit]');
  await page.waitForURL((u) => u.origin === BASE && !u.pathname.startsWith('/login'));
  await page.waitForLoadState('load');
}

const phase = (page: Page) =>
  page.evaluate(() => (window as unknown as { vardmote: { phase: string } }).vardmote.phase);

it('a patient and a clinician hold a whole video meeting, and the patient writes a message, by keyboard alone', async () => {
  const { id, handle, f } = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 120 });
  const links = await meetingLinks(stack.app, id, f);
  const clinician = await newPage(stack.browser, 'clinician');
  const patient = await newPage(stack.browser, 'patient');

  // The clinician opens the room: log in, the way in, the checklist ticked with Space.
  await loginByKeyboard(clinician, links.clinicianUrl, { hsaId: f.staff.clinician });
  await pressOn(clinician, '#enter');
  await clinician.waitForSelector('#checklist');
  for (const item of m.CHECKLIST_ITEMS) await pressOn(clinician, `#checklist input[name=${item}]`, 'Space');
  await pressOn(clinician, '#checklist button[type=submit]');
  await clinician.waitForSelector('#checklist', { state: 'hidden' });
  // The form it was in is gone: focus is on what the clinician waits for, not lost on the page.
  await expect(focusedId(clinician)).resolves.toBe('patient-presence');
  await waitForStatus(handle, 'video');

  // The patient logs in with e-ID, sees who they are logged in as, and goes to the waiting room.
  await loginByKeyboard(patient, links.patientUrl, { personnummer: f.adultPnr });
  await expect(patient.textContent('.enter')).resolves.toContain('Inloggad som');
  await pressOn(patient, '#enter');
  await patient.waitForSelector('#waiting-room', { state: 'visible' });
  await waitForState(handle, (s) => s.patientPresent, 45_000);

  // The clinician admits with Enter once the patient waits; focus goes to the line saying the patient is in.
  await clinician.waitForSelector('#admit:not([disabled])');
  await pressOn(clinician, '#admit');
  await clinician.waitForFunction(
    () => document.getElementById('patient-presence')?.textContent === 'Patienten är med i mötet',
  );
  await expect(focusedId(clinician)).resolves.toBe('patient-presence');
  // On the patient's page focus moves from the waiting room to the meeting's status line.
  await patient.waitForFunction(() => document.activeElement?.id === 'status-text');
  await expect(patient.textContent('#status-text')).resolves.toBe('Mötet pågår');
  await Promise.all([remoteVideoPlaying(clinician), remoteVideoPlaying(patient)]);

  // The patient leaves; the page says so, with focus on it, and the clinician's page sees it.
  await pressOn(patient, '#leave');
  await expect(focusedId(patient)).resolves.toBe('left');
  await expect(phase(patient)).resolves.toBe('left');
  await clinician.waitForFunction(
    () => document.getElementById('patient-presence')?.textContent === 'Patienten har lämnat mötet',
    undefined,
    { timeout: 30_000 },
  );

  // The clinician ends the meeting (Tab from the status line reaches the end button) and signs the note.
  await pressOn(clinician, '#end');
  await waitForStatus(handle, 'documentation');
  await clinician.waitForSelector('#ended', { state: 'visible' });
  await expect(focusedId(clinician)).resolves.toBe('ended');
  await pressOn(clinician, '#to-worklist');
  await clinician.waitForURL(/\/admin\/mina-moten$/);
  const note = `[data-encounter="${id}"] .note-form`;
  await typeInto(clinician, `${note} textarea[name=text]`, 'Videobesök. Råd om egenvård.');
  await pressOn(clinician, `${note} button[type=submit]`);
  await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'journal-note-written'), 30_000);

  // The patient, from the left meeting, goes to Mina sidor and on to Meddelanden, and writes to the unit.
  await pressOn(patient, '#left a[href="/mina-sidor"]');
  await patient.waitForURL(/\/mina-sidor$/);
  await pressOn(patient, 'a[href="/mina-sidor/meddelanden"]');
  await patient.waitForURL(/\/mina-sidor\/meddelanden$/);
  await tabTo(patient, '#new-thread select[name=careUnitId]');
  await typeInto(patient, '#new-thread input[name=subject]', 'Fråga efter besöket');
  await typeInto(patient, '#new-thread textarea[name=text]', 'Hur länge ska jag smörja?');
  await pressOn(patient, '#new-thread button[type=submit]');
  await patient.waitForURL(/\/mina-sidor\/meddelanden\/[0-9a-f-]{36}$/);
  await expect(patient.textContent('main')).resolves.toContain('Hur länge ska jag smörja?');
});

it('a finance user imports a BgMax file by keyboard alone: the file chooser opens from Space', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { invoice } = await noShowInvoice(stack.ctx, f);
  const file = bgmaxFile([{ ocr: invoice.ocr!, ore: 40_000, serial: Date.now() % 1e9, payerName: 'Vuxen Testsson' }]);
  const page = await newPage(stack.browser, 'finance');
  await loginByKeyboard(page, `${BASE}/admin/ekonomi/inlasningar`, { hsaId: f.staff.finance });

  await tabTo(page, '#bgmax-upload input[name=file]');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles({ name: 'bgmax-keyboard.txt', mimeType: 'text/plain', buffer: Buffer.from(file, 'latin1') });
  await pressOn(page, '#bgmax-upload button[type=submit]');
  await page.waitForURL(/\/admin\/ekonomi\/inlasningar\/[0-9a-f-]{36}$/);
  await expect(page.textContent('#matched-count')).resolves.toBe('1');
});
