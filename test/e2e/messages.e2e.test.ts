/**
 * Meddelanden in a real browser: a patient writes, a nurse sees it in the queue with its deadline,
 * answers and writes the dated summary, the patient reads the signed answer. The message carries
 * `<script>` and `{{`: it shows as text on every page and in the mail, and nothing runs.
 */
import type { Page } from 'playwright-core';
import { stockholmDateOf } from '../../domain/dates';
import { answerDueDate } from '../../domain/working-days';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { screenshot } from '../../testkit/browser';
import { makeFixture } from '../../testkit/fixtures';
import { loginInBrowser, newPage } from '../../testkit/meeting';

jest.setTimeout(120_000);
const stack = useBrowserStack();
const shot = (page: Page, name: string) => screenshot(page, `messages-${name}`);
const EVIL = 'Utslag på armen <script>window.pwned = 1</script> {{constructor}} & mer';

it('a patient writes, a nurse answers within the deadline and summarises; the patient reads the signed answer; markup stays text', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const patient = await newPage(stack.browser, 'patient');
  const errors: string[] = [];
  patient.on('pageerror', (e) => errors.push(e.message));
  await loginInBrowser(patient, `${BASE}/mina-sidor/meddelanden`, { personnummer: f.adultPnr });
  await expect(patient.textContent('#answer-notice')).resolves.toContain('inom 2 arbetsdagar');
  await patient.selectOption('#new-thread select[name=careUnitId]', f.unitId);
  await patient.fill('#new-thread input[name=subject]', 'Utslag <b>');
  await patient.fill('#new-thread textarea[name=text]', EVIL);
  const sentAt = new Date();
  await patient.click('#new-thread button[type=submit]');
  await patient.waitForURL(/\/mina-sidor\/meddelanden\/[0-9a-f-]{36}$/);
  const threadUrl = patient.url();
  await expect(patient.textContent('#messages .body')).resolves.toBe(EVIL);
  await shot(patient, 'patient-wrote');

  const nurse = await newPage(stack.browser, 'nurse');
  nurse.on('pageerror', (e) => errors.push(e.message));
  await loginInBrowser(nurse, `${BASE}/admin/meddelanden`, { hsaId: f.staff.clinician });
  const row = nurse.locator('#queue tr', { hasText: 'Utslag <b>' });
  await expect(row.textContent()).resolves.toContain(answerDueDate(sentAt.toISOString()));
  await expect(row.locator('td.left').textContent()).resolves.toMatch(/arbetsdag(ar)? och \d+ timm(e|ar) kvar/);
  await shot(nurse, 'queue');
  await row.locator('a').click();
  await expect(nurse.textContent('#messages .body')).resolves.toBe(EVIL);
  await nurse.fill('#answer textarea[name=text]', 'Smörj med mjukgörande kräm. Hör av dig om det inte blir bättre.');
  await nurse.click('#answer button[type=submit]');
  await nurse.waitForSelector('.summary-form');
  const today = stockholmDateOf(new Date());
  await expect(nurse.locator('.summary-form input[name=contactDate]').getAttribute('value')).resolves.toBe(today);
  await nurse.fill('.summary-form textarea[name=text]', 'Utslag, råd om egenvård via meddelande.');
  await nurse.click('.summary-form button[type=submit]');
  await nurse.waitForSelector('.summary-text');
  await expect(nurse.textContent('.summary-text')).resolves.toBe('Utslag, råd om egenvård via meddelande.');
  await shot(nurse, 'thread');

  await patient.goto(threadUrl);
  const answer = patient.locator('#messages li.from-unit');
  await expect(answer.locator('.body').textContent()).resolves.toContain('mjukgörande kräm');
  await expect(answer.locator('.signature').textContent()).resolves.toMatch(/Läkare|sjuksköterska|,.*, Testenheten/);
  await shot(patient, 'patient-reads');

  // Nothing ran, on any page, and the mail to the unit holds the text escaped.
  for (const page of [patient, nurse])
    await expect(page.evaluate(() => (window as { pwned?: number }).pwned)).resolves.toBeUndefined();
  const mail = stack.worker.mailer.sent.find((m) => m.subject === 'Nytt meddelande: Utslag <b>');
  expect(mail).toBeDefined();
  expect(mail!.html).toContain('&lt;script&gt;window.pwned &#x3D; 1&lt;/script&gt; {{constructor}} &amp; mer');
  expect(mail!.html).not.toContain('<script>');
  expect(errors).toEqual([]);
});
