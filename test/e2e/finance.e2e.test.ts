/**
 * A finance user in a real browser: imports a BgMax file, reads its summary, matches the unmatched
 * payment by hand, and finds the invoice paid. Screenshots go to test-results/screenshots/finance-*.
 */
import type { Page } from 'playwright-core';
import { invoiceLabel } from '../../domain/invoices';
import { invoiceWorkflowId } from '../../workflows/invoice.messages';
import { bgmaxFile } from '../../domain/bgmax-file';
import { BASE, useBrowserStack } from '../support/browser-stack';
import { screenshot } from '../../testkit/browser';
import { noShowInvoice, waitForInvoice } from '../support/finance';
import { makeFixture } from '../../testkit/fixtures';
import { loginInBrowser, newPage } from '../../testkit/meeting';

jest.setTimeout(120_000);
const stack = useBrowserStack();
const shot = (page: Page, name: string) => screenshot(page, `finance-${name}`);

it('a finance user imports a BgMax file, sees the summary, matches the unmatched payment by hand, and the invoice is paid', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff', 'other-clinician'] });
  const byOcr = await noShowInvoice(stack.ctx, f);
  const byHand = await noShowInvoice(stack.ctx, { ...f, clinicianId: f.otherClinicianId });
  const handLabel = invoiceLabel('F', Number(byHand.invoice.number));
  const serial = Date.now() % 1e9;
  // One payment with the right OCR; one where the payer typed the invoice number instead.
  const file = bgmaxFile([
    { ocr: byOcr.invoice.ocr!, ore: 40_000, serial, payerName: 'Vuxen Testsson' },
    { text: `FAKTURA ${handLabel}`, ore: 40_000, serial: serial + 1, payerName: 'Vuxen Testsson' },
  ]);

  const page = await newPage(stack.browser, 'finance');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await loginInBrowser(page, `${BASE}/admin/ekonomi/inlasningar`, { hsaId: f.staff.finance });
  await page.setInputFiles('#bgmax-upload input[name=file]', {
    name: 'bgmax-20261124.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(file, 'latin1'),
  });
  await page.click('#bgmax-upload button[type=submit]');
  await page.waitForURL(/\/admin\/ekonomi\/inlasningar\/[0-9a-f-]{36}$/);
  await expect(page.textContent('#matched-count')).resolves.toBe('1');
  await expect(page.textContent('#unmatched-count')).resolves.toBe('1');
  await expect(page.textContent('#file-total')).resolves.toContain('800,00');
  await expect(page.textContent('#balance-check')).resolves.toContain('Summorna stämmer');
  await shot(page, 'import-summary');

  // The OCR payment closed its invoice by itself.
  await waitForInvoice(stack.ctx, { id: byOcr.invoice.id }, (r) => r.status === 'paid');

  await page.click('text=Koppla omatchade betalningar');
  await page.waitForURL(/\/admin\/ekonomi\/betalningar$/);
  const row = page.locator('#unmatched tr', { hasText: `FAKTURA ${handLabel}` });
  await row.locator('input[name=invoice]').fill(handLabel);
  await row.locator('input[name=reason]').fill('Betalaren skrev fakturanumret i stället för OCR');
  await shot(page, 'unmatched');
  await row.locator('button[type=submit]').click();
  await page.waitForURL(new RegExp(`/admin/ekonomi/fakturor/${byHand.invoice.id}`));
  await expect(page.textContent('#invoice-status')).resolves.toBe('Betald');
  await expect(page.textContent('#invoice-payments')).resolves.toContain('Betalaren skrev fakturanumret');
  await shot(page, 'invoice-paid');
  await expect(
    stack.ctx.client.workflow.getHandle(invoiceWorkflowId(byHand.invoice.billing_key)).result(),
  ).resolves.toEqual({ invoiceId: byHand.invoice.id, status: 'paid' });

  // The same file again changes nothing and says so.
  await page.goto(`${BASE}/admin/ekonomi/inlasningar`);
  await page.setInputFiles('#bgmax-upload input[name=file]', {
    name: 'samma-fil.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(file, 'latin1'),
  });
  await page.click('#bgmax-upload button[type=submit]');
  await page.waitForURL(/\?redan$/);
  await expect(page.textContent('.notice')).resolves.toContain('redan inläst');

  await page.goto(`${BASE}/admin/ekonomi`);
  await expect(page.locator('svg.chart').count()).resolves.toBe(1);
  await expect(page.textContent('#month-totals')).resolves.toContain(`Testenheten ${f.unitId.slice(0, 4)}`);
  await shot(page, 'overview');
  expect(errors).toEqual([]);
});
