/**
 * Every page of the back office, once per staff role that may see it, in Chromium: it answers 200,
 * the browser logs no error, and a screenshot is written to test-results/screenshots/<role>/.
 * The pages come from the app's route table, so a new page is visited without editing this test.
 */
import type { Grantee } from '../../api/http/access';
import { recordDeviation } from '../../db/deviations';
import { BASE, backOfficeUrls, useBrowserStack } from '../support/browser-stack';
import { screenshot } from '../../testkit/browser';
import { startEncounter } from '../../testkit/drive';
import { makeFixture } from '../../testkit/fixtures';
import { loginInBrowser } from '../../testkit/meeting';
import { bgmaxFile } from '../../domain/bgmax-file';
import { noShowInvoice } from '../support/finance';
import { testThread } from '../support/messages';
import { login } from '../../testkit/login';

jest.setTimeout(240_000);
const stack = useBrowserStack();

it('each staff role sees each of its pages without a browser error', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { id: encounterId } = await startEncounter(stack.ctx, f, f.adultId);
  const deviationId = await recordDeviation(stack.ctx.orm.em.fork(), {
    encounterId,
    category: 'video-failure',
    severity: 'low',
    description: 'Bilden frös i 30 sekunder.',
    dedupeKey: `video:${encounterId}`,
  });
  // A real invoice (a no-show's) and a real import, for the finance pages that show one.
  const { invoice } = await noShowInvoice(stack.ctx, f);
  const finance = await login(stack.app, { hsaId: f.staff.finance });
  const imported = await finance
    .post('/api/finance/bgmax?name=sidor.txt')
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(bgmaxFile([{ text: 'OKAND', ore: 1_000, serial: Date.now() % 1e9 }]), 'latin1'))
    .expect(201);
  const { threadId } = await testThread(
    stack.ctx,
    f,
    {},
    { subject: 'Fråga om recept', text: 'Kan jag förnya mitt recept?' },
  );
  const pages = backOfficeUrls(stack.app, {
    encounter: encounterId,
    thread: threadId,
    deviation: deviationId,
    invoice: invoice.id,
    import: imported.body.importId,
    patient: f.adultId,
  }).map((p) => ({ ...p, name: p.route.replace(/^\//, '').replace(/[/:]+/g, '_') }));
  const roles: Array<[Grantee, string]> = [
    ['care_admin', f.staff.careAdmin],
    ['clinician', f.staff.clinician],
    ['finance', f.staff.finance],
    ['quality_lead', f.staff.qualityLead],
    ['sysadmin', f.staff.sysadmin],
  ];
  const problems: string[] = [];
  let visited = 0;
  for (const [role, hsaId] of roles) {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`${role} ${page.url()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${role} ${page.url()}: ${e.message}`));
    await loginInBrowser(page, `${BASE}/admin`, { hsaId });
    for (const p of pages.filter((x) => x.grantees.includes(role))) {
      const res = await page.goto(`${BASE}${p.url}`);
      if (res?.status() !== 200) problems.push(`${role} ${p.url}: HTTP ${res?.status()}`);
      await page.waitForLoadState('load');
      await screenshot(page, `${role}/${p.name}`);
      visited++;
    }
    await context.close();
  }
  expect(problems).toEqual([]);
  expect(visited).toBeGreaterThanOrEqual(20);
});
