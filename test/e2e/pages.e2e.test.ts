/**
 * Every page of the back office, once per staff role that may see it, in Chromium: it answers 200,
 * the browser logs no error, and a screenshot is written to test-results/screenshots/<role>/.
 * The pages come from the app's route table, so a new page is visited without editing this test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Grantee, routeTable } from '../../api/access';
import { recordDeviation } from '../../db/deviations';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { startEncounter } from '../support/encounters';
import { makeFixture } from '../support/fixtures';
import { loginInBrowser } from '../support/meeting';

jest.setTimeout(240_000);
const stack = useBrowserStack();
const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');

it('each staff role sees each of its pages without a browser error', async () => {
  const f = await makeFixture(stack.ctx.orm);
  const { id: encounterId } = await startEncounter(stack.ctx, f, f.adultId);
  const deviationId = await recordDeviation(stack.ctx.orm.em.fork(), {
    encounterId,
    category: 'video-failure',
    severity: 'low',
    description: 'Bilden frös i 30 sekunder.',
    dedupeKey: `video:${encounterId}`,
  });
  const pages = routeTable(stack.app)
    .filter(
      (r) => r.method === 'GET' && r.path.startsWith('/admin') && !r.path.endsWith('.csv') && !r.path.endsWith('/live'),
    )
    .map((r) => ({
      name: r.path.replace(/^\//, '').replace(/[/:]+/g, '_'),
      grantees: r.grantees ?? [],
      url:
        r.path.replace(':id', r.path.startsWith('/admin/deviations') ? deviationId : encounterId) +
        (r.path === '/admin/logs/extract' ? `?personnummer=${f.adultPnr}` : ''),
    }));
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
    fs.mkdirSync(path.join(SHOTS, role), { recursive: true });
    for (const p of pages.filter((x) => x.grantees.includes(role))) {
      const res = await page.goto(`${BASE}${p.url}`);
      if (res?.status() !== 200) problems.push(`${role} ${p.url}: HTTP ${res?.status()}`);
      await page.waitForLoadState('load');
      await page.screenshot({
        path: path.join(SHOTS, role, `${p.name}.png`),
        fullPage: true,
      });
      visited++;
    }
    await context.close();
  }
  expect(problems).toEqual([]);
  expect(visited).toBeGreaterThanOrEqual(20);
});
