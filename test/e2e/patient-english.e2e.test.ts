/**
 * The patient's side in English (issue 28), in a real browser: a patient whose browser prefers Swedish
 * switches to English on Mina sidor and walks their path — Mina sidor, a meeting, its move page, fees,
 * reminders, messages and a thread, the meeting's way in and waiting room — finding no Swedish sentence
 * (names of people, units and places aside) and no serious accessibility violation; the choice is kept
 * on the patient record, so it holds in a new session; before login the browser's language decides.
 */
import type { Browser, Page } from 'playwright-core';
import { findPatient } from '../../db/people';
import * as m from '../../workflows/encounter.messages';
import { AxeGate } from '../support/axe';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { swedishIn } from '../support/catalogue';
import { testThread } from '../support/messages';
import { admin, startEncounter, throughIdentity, waitForState, waitForStatus } from '../../testkit/drive';
import { makeSlot } from '../../testkit/fixtures';
import { bookedEncounter, loginInBrowser, meetingLinks } from '../../testkit/meeting';

jest.setTimeout(240_000);
const stack = useBrowserStack();
const gate = new AxeGate();

/** A page in a context of its own whose browser asks for `locale` (its Accept-Language). */
async function pageIn(browser: Browser, locale: string): Promise<Page> {
  const page = await (await browser.newContext({ locale })).newPage();
  page.on('pageerror', (err) => process.stdout.write(`[${locale}] page error: ${err.message}\n`));
  return page;
}

/**
 * The text a person reads on the page as it is now: visible text nodes, leaving out parts marked as
 * another language than the page's (the switch "På svenska"), and what people wrote in a thread.
 */
const visibleText = (page: Page) =>
  page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!;
      if (el.closest('script, style, .message .body')) continue;
      if (el.closest('[lang]')?.getAttribute('lang') !== document.documentElement.lang) continue;
      if (!el.checkVisibility() && !el.closest('.visually-hidden')) continue;
      out.push(n.textContent ?? '');
    }
    return `${document.title} ${out.join(' ')}`.replace(/\s+/g, ' ');
  });

/** Checks the open page: English, no Swedish sentence, no serious or critical axe violation. */
async function englishPage(page: Page, label: string): Promise<string[]> {
  const problems: string[] = [];
  const lang = await page.getAttribute('html', 'lang');
  if (lang !== 'en') problems.push(`${label}: <html lang="${lang}">`);
  const swedish = swedishIn(await visibleText(page));
  if (swedish.length) problems.push(`${label}: Swedish ${JSON.stringify(swedish)}`);
  problems.push(...(await gate.check(page, `patient (en) ${label}`)));
  return problems;
}

async function open(page: Page, path: string): Promise<void> {
  const res = await page.goto(`${BASE}${path}`);
  expect(res?.status()).toBe(200);
  await page.waitForLoadState('load');
}

afterAll(() => process.stdout.write(`${gate.summary()}\n`));

it('a patient switches to English and walks their path with no Swedish sentence, and the choice is kept', async () => {
  // A meeting whose room opens now (the way in and the waiting room), and one to move, of the same patient.
  const join = await bookedEncounter(stack.ctx, { noShowGraceSeconds: 600 });
  const { f } = join;
  const later = await startEncounter(stack.ctx, f, f.adultId, { lateCancelSeconds: 3600 });
  await throughIdentity(later.handle, f);
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 3 * 3600, 15);
  await makeSlot(stack.ctx.orm, f.clinicianId, 5 * 3600, 15);
  await later.handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  const { threadId } = await testThread(stack.ctx, f);
  const links = await meetingLinks(stack.app, join.id, f);

  // Swedish first: the browser prefers it and nothing is chosen yet.
  const page = await pageIn(stack.browser, 'sv-SE');
  await loginInBrowser(page, `${BASE}/mina-sidor`, { personnummer: f.adultPnr });
  await expect(page.getAttribute('html', 'lang')).resolves.toBe('sv');
  await expect(page.locator('h1').first().textContent()).resolves.toBe('Mina vårdmöten');
  // The check itself can fail: the Swedish page is full of what it looks for.
  expect((await visibleText(page)).length).toBeGreaterThan(100);
  expect(swedishIn(await visibleText(page)).length).toBeGreaterThan(3);

  // The switch names English in English, and brings the patient back to the same page.
  const to = page.locator('#language-switch');
  await expect(to.getAttribute('lang')).resolves.toBe('en');
  await to.click();
  await page.waitForURL(`${BASE}/mina-sidor`);
  await expect(page.locator('h1').first().textContent()).resolves.toBe('My care meetings');
  expect((await findPatient(stack.ctx.orm.em.fork(), f.adultId))?.language).toBe('en');

  const problems: string[] = [];
  problems.push(...(await englishPage(page, '/mina-sidor')));
  await open(page, `/mina-sidor/moten/${later.id}`);
  await expect(page.locator('#avgift').textContent()).resolves.toMatch(/^You can cancel free of charge until /);
  problems.push(...(await englishPage(page, '/mina-sidor/moten/:id')));
  await page.getByRole('link', { name: 'Move the time' }).click();
  await page.waitForURL(/\/flytta/);
  await expect(page.locator('fieldset.day legend').first().textContent()).resolves.toMatch(
    /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)/,
  );
  problems.push(...(await englishPage(page, '/mina-sidor/moten/:id/flytta')));
  for (const path of ['/mina-sidor/avgifter', '/mina-sidor/paminnelser', '/mina-sidor/meddelanden']) {
    await open(page, path);
    problems.push(...(await englishPage(page, path)));
  }
  await open(page, `/mina-sidor/meddelanden/${threadId}`);
  problems.push(...(await englishPage(page, '/mina-sidor/meddelanden/:id')));

  // The meeting: its way in, then the waiting room with the page's own sentences.
  await waitForStatus(join.handle, 'video');
  await page.goto(links.patientUrl);
  await page.waitForSelector('#enter');
  problems.push(...(await englishPage(page, '/meet/:token')));
  await page.click('#enter');
  await page.waitForURL(`${BASE}/meet/room/${join.id}`);
  await waitForState(join.handle, (s) => s.patientPresent, 45_000);
  await page.waitForSelector('#waiting-room', { state: 'visible' });
  await expect(page.locator('#status-text').textContent()).resolves.toBe(
    'You are in the waiting room. The care staff will let you in shortly.',
  );
  await page.waitForFunction(() => (document.getElementById('waiting-notes')?.textContent ?? '').length > 0);
  await expect(page.locator('#waiting-notes').textContent()).resolves.toMatch(
    /^The meeting (starts|was due to start) at/,
  );
  problems.push(...(await englishPage(page, '/meet/room/:id (waiting room)')));
  expect(problems).toEqual([]);

  // A new session in a browser that prefers Swedish: the record's choice wins.
  const again = await pageIn(stack.browser, 'sv-SE');
  await loginInBrowser(again, `${BASE}/mina-sidor`, { personnummer: f.adultPnr });
  await expect(again.getAttribute('html', 'lang')).resolves.toBe('en');
  await expect(again.locator('h1').first().textContent()).resolves.toBe('My care meetings');
  // And back to Swedish, the switch now naming Swedish in Swedish.
  await expect(again.locator('#language-switch').getAttribute('lang')).resolves.toBe('sv');
  await again.click('#language-switch');
  await again.waitForURL(`${BASE}/mina-sidor`);
  await expect(again.getAttribute('html', 'lang')).resolves.toBe('sv');
  for (const e of [join.handle, later.handle])
    await e.executeUpdate(m.cancelUpdate, { args: [{ actor: admin, reason: 'Testet klart' }] });
});

it('before login the browser decides: English for one that prefers it, Swedish otherwise', async () => {
  const english = await pageIn(stack.browser, 'en-GB');
  await english.goto(`${BASE}/meet/no-such-link`);
  await expect(english.getAttribute('html', 'lang')).resolves.toBe('en');
  await expect(english.locator('h1').textContent()).resolves.toBe('The link is not valid');
  expect(swedishIn(await visibleText(english))).toEqual([]);
  const swedish = await pageIn(stack.browser, 'sv-SE');
  await swedish.goto(`${BASE}/meet/no-such-link`);
  await expect(swedish.getAttribute('html', 'lang')).resolves.toBe('sv');
  await expect(swedish.locator('h1').textContent()).resolves.toBe('Länken är ogiltig');
});
