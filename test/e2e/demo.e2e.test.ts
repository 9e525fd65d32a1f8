/**
 * The demo of `npm start` on an empty data folder, in Chromium: seeded as the start seeds it (on a
 * database of its own), every back-office page shows each demo role at least one row, bar or count,
 * and the BgMax sample the import page names pays the demo's open invoices through the import form.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Grantee } from '../../api/http/access';
import { listDeviations } from '../../db/deviations';
import { listEncounters } from '../../db/encounters';
import { listInvoices, openInvoices } from '../../db/invoices';
import { threadQueue } from '../../db/messages';
import { listImports } from '../../db/payments';
import { DEMO, DEMO_BGMAX_SAMPLE, seedDemoData } from '../../db/seed';
import { addDays, stockholmDateOf } from '../../domain/dates';
import { seedDemo } from '../../scripts/demo';
import { ROOT } from '../../scripts/services';
import { loginInBrowser, newPage } from '../../testkit/meeting';
import { waitFor } from '../../testkit/wait';
import { BASE, backOfficePages, useBrowserStack } from '../support/browser-stack';

jest.setTimeout(300_000);

const now = new Date();
const sampleFile = path.join(ROOT, '.data', 'test', `demo-${randomUUID()}`, DEMO_BGMAX_SAMPLE);
let demo: Awaited<ReturnType<typeof seedDemo>>;

// As `npm start`: units, people, staff and slots before the worker starts, the rest once it runs.
const stack = useBrowserStack((ctx) => seedDemoData(ctx.orm.em.fork(), stockholmDateOf(now)), {
  freshDatabase: true,
});
beforeAll(async () => {
  demo = await seedDemo(stack.ctx.orm, stack.ctx.client, {
    taskQueue: stack.ctx.config.temporal.taskQueue,
    finance: stack.ctx.config.finance,
    sampleFile,
    now,
  });
});
afterAll(() => fs.rmSync(path.dirname(path.dirname(sampleFile)), { recursive: true, force: true }));

/** The demo's people, one per role, as they log in with SITHS. */
const ROLES: Array<[Grantee, string]> = [
  ['care_admin', DEMO.staff.eva.hsaId],
  ['clinician', DEMO.clinicians.maria.hsaId],
  ['finance', DEMO.staff.omar.hsaId],
  ['quality_lead', DEMO.staff.helena.hsaId],
  ['sysadmin', DEMO.staff.nils.hsaId],
];

/**
 * Pages whose rows are about patients, which the technical role never reads (api/admin/logs.ts):
 * empty for sysadmin by design.
 */
const EMPTY_BY_DESIGN = new Set(['sysadmin /admin/logs/sample', 'sysadmin /admin/logs/extract']);

/** What a page shows: table rows (not the "nothing here" row), chart bars, non-zero counts, work items, messages, choices. */
const shown = (page: Page) =>
  page.evaluate(() => {
    const all = (sel: string) => Array.from(document.querySelectorAll(sel));
    const rows = all('tbody tr').filter((tr) => !tr.querySelector('td[colspan]')).length;
    const bars = all('svg rect').filter(
      (r) => Number(r.getAttribute('height') ?? 1) > 0 && Number(r.getAttribute('width')) > 0,
    ).length;
    const counts = all('.count-card .n').filter((n) => n.textContent?.trim() !== '0').length;
    const items = all('.worklist-item, ol.messages > li').length;
    const choices = all('form#new-encounter select option').length;
    return rows + bars + counts + items + choices;
  });

it('the first start writes months of history: every outcome, invoice state and deviation state, a free card, answered and late messages', () => {
  const h = demo.history!;
  expect(h).not.toBeNull();
  expect(h.encounters.closed).toBeGreaterThan(10);
  for (const outcome of ['no-show', 'cancelled', 'referred-to-physical', 'identity-failed'] as const)
    expect(h.encounters[outcome]).toBeGreaterThanOrEqual(1);
  expect(h.freeCards).toBe(1);
  for (const status of ['paid', 'open', 'partly-paid', 'reminded', 'overdue', 'credited'])
    expect(h.invoices[status]).toBeGreaterThanOrEqual(1);
  expect(h.payments.matched).toBeGreaterThan(5);
  expect(h.payments.unmatched).toBe(1);
  for (const status of ['new', 'under_review', 'closed'] as const)
    expect(h.deviations[status]).toBeGreaterThanOrEqual(1);
  expect(h.threads).toBe(3);
  expect(demo.encounters).toBe(5);
  expect(demo.invoiceWorkflows).toBeGreaterThanOrEqual(h.invoices.open);
  process.stdout.write(`[demo] history written in ${demo.historyMs} ms\n`);
});

it('every back-office page shows each demo role at least one row, bar or count', async () => {
  const em = stack.ctx.orm.em.fork();
  const sodermalm = [DEMO.units.sodermalm.id];
  const [encounter] = (
    await listEncounters(em, { patientId: DEMO.patients.liam.id, status: 'pre-meeting', page: 1, pageSize: 1 })
  ).items;
  const [deviation] = await listDeviations(em, { careUnitIds: sodermalm, limit: 1 });
  const [invoice] = await listInvoices(em, { careUnitIds: sodermalm, status: 'open' });
  const [imported] = await listImports(em);
  const [thread] = await threadQueue(em, sodermalm);
  const ids: Array<[string, string]> = [
    ['/admin/encounters/', encounter.id],
    ['/admin/deviations/', deviation.id],
    ['/admin/ekonomi/fakturor/', invoice.id],
    ['/admin/ekonomi/inlasningar/', imported.id],
    ['/admin/meddelanden/', thread.id],
  ];
  const query: Record<string, string> = {
    '/admin/logs': `?from=${addDays(stockholmDateOf(now), -30)}`,
    '/admin/logs/extract': `?patientId=${DEMO.patients.anna.id}`,
    // Last month: the history's registered contacts (this month may have had none yet on its first days).
    '/admin/registreringar': `?month=${addDays(`${stockholmDateOf(now).slice(0, 7)}-01`, -1).slice(0, 7)}`,
  };
  const pages = backOfficePages(stack.app).map((r) => {
    const id = ids.find(([prefix]) => r.path.startsWith(prefix))?.[1];
    return { path: r.path, grantees: r.grantees ?? [], url: r.path.replace(':id', id ?? '') + (query[r.path] ?? '') };
  });

  const empty: string[] = [];
  let visited = 0;
  for (const [role, hsaId] of ROLES) {
    const page = await newPage(stack.browser, String(role));
    await loginInBrowser(page, `${BASE}/admin`, { hsaId });
    for (const p of pages.filter((x) => x.grantees.includes(role))) {
      if (EMPTY_BY_DESIGN.has(`${role} ${p.path}`)) continue;
      // What the worker does after the start (invitations, invoice mails) may take a moment to show.
      const n = await waitFor(
        async () => {
          const res = await page.goto(`${BASE}${p.url}`);
          if (res?.status() !== 200) throw new Error(`HTTP ${res?.status()}`);
          return (await shown(page)) || undefined;
        },
        `${role} ${p.url} to show data`,
        { timeoutMs: 60_000, intervalMs: 1000 },
      ).catch(() => 0);
      if (!n) empty.push(`${role} ${p.url}`);
      visited++;
    }
    await page.context().close();
  }
  expect(empty).toEqual([]);
  expect(visited).toBeGreaterThanOrEqual(25);
});

it('the BgMax sample the import page names pays the open demo invoices through the import form', async () => {
  expect(demo.sample).not.toBeNull();
  const open = (await openInvoices(stack.ctx.orm.em.fork())).length;
  const page = await newPage(stack.browser, 'finance-import');
  await loginInBrowser(page, `${BASE}/admin/ekonomi/inlasningar`, { hsaId: DEMO.staff.omar.hsaId });
  await expect(page.locator('#demo-sample').textContent()).resolves.toContain(`.data/${DEMO_BGMAX_SAMPLE}`);
  await page.setInputFiles('#bgmax-upload input[name=file]', sampleFile);
  await page.click('#bgmax-upload button[type=submit]');
  await page.waitForSelector('#import-summary');
  const matched = Number(await page.locator('#matched-count').textContent());
  expect(matched).toBeGreaterThanOrEqual(1);
  expect(matched).toBe(demo.sample!.payments);
  await expect(page.locator('#unmatched-count').textContent()).resolves.toBe('0');
  await expect(page.locator('#balance-check').textContent()).resolves.toContain('Summorna stämmer');
  expect((await openInvoices(stack.ctx.orm.em.fork())).length).toBe(open - matched);
});
