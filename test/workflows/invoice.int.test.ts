/**
 * Invoices on the real dev server: encounters' charges start invoice workflows, which issue gap-free
 * numbered invoices with OCR references, send them with a PDF, remind, mark overdue, and close when a
 * BgMax import (or a credit note) settles them. The patient sees it all on Mina avgifter.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { takeNumber } from '../../db/invoices';
import { addDays, stockholmDateOf } from '../../domain/dates';
import { isValidOcrReference } from '../../domain/ocr';
import { periodEnd } from '../../domain/fees';
import * as m from '../../workflows/encounter.messages';
import { invoiceWorkflowId } from '../../workflows/invoice.messages';
import { useApiStack } from '../support/app';
import { bgmaxFile } from '../../domain/bgmax-file';
import { admin, clinicianOf, runSession, startEncounter, throughIdentity, waitForStatus } from '../../testkit/drive';
import { Fixture, makeFixture, makeSlot } from '../../testkit/fixtures';
import { login } from '../../testkit/login';
import { maybeRecordHistory } from '../support/histories';
import { chargesOf, noShowInvoice, waitForInvoice } from '../support/finance';

const stack = useApiStack();
const rows = <T>(sql: string, params: unknown[] = []) => stack.ctx.orm.em.fork().execute<T[]>(sql, params);

const invoiceOf = (billingKey: string, timeoutMs?: number) =>
  waitForInvoice(stack.ctx, { billingKey }, undefined, timeoutMs);
const waitForInvoiceStatus = (id: string, status: string) =>
  waitForInvoice(stack.ctx, { id }, (r) => r.status === status);

/** A whole video encounter to its end: identity, booking, session, note. */
async function closedEncounter(
  f: Fixture,
  patientId: string,
  pnr: string,
  policy: Partial<m.EncounterPolicy> = {},
  record?: string,
) {
  const { handle } = await startEncounter(stack.ctx, f, patientId, policy);
  await throughIdentity(handle, f, pnr);
  // Short slots, so one clinician's encounters one after the other never overlap.
  const slot = await makeSlot(stack.ctx.orm, f.clinicianId, 2, 0.05);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, {
    args: [{ actor: clinicianOf(f), text: 'Bedömning och plan.' }],
  });
  await handle.result();
  if (record) await maybeRecordHistory(handle, record);
  return chargesOf(handle);
}

const invoiceHandle = (billingKey: string): WorkflowHandle =>
  stack.ctx.client.workflow.getHandle(invoiceWorkflowId(billingKey));

it('RULES §1 ceiling (Stockholm 2026: 1 450 kr): the crossing visit pays 150 kr and issues a free card; later visits, also at another unit, cost 0 kr — on the invoice and Mina avgifter', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff', 'other-clinician'] });
  const today = stockholmDateOf(new Date());
  const start = addDays(today, -40);
  // Five earlier visits this period: 1 300 kr paid towards the ceiling.
  await rows('insert into high_cost_period (id, patient_id, start_date, paid_ore) values (?, ?, ?, ?)', [
    randomUUID(),
    f.adultId,
    start,
    130_000,
  ]);

  const [first] = await closedEncounter(f, f.adultId, f.adultPnr, {}, 'invoiced');
  expect(first).toMatchObject({ kind: 'visit', chargeOre: 15_000, reason: 'partial', freeCardIssued: true });
  const invoice = await invoiceOf(`charge:${first.chargeId}`);
  expect(invoice).toMatchObject({ series: 'F', amount_ore: 15_000, status: 'open', issue_date: today });
  expect(invoice.due_date).toBe(addDays(today, 30)); // RULES §2: at least 30 days
  expect(isValidOcrReference(invoice.ocr!, { lengthDigit: true })).toBe(true);
  expect(invoice.ocr!.startsWith(String(invoice.number))).toBe(true);
  expect(invoice.document_html).toContain('Patientavgift (delbelopp, högkostnadsskyddet nås)');
  expect(invoice.document_html).toContain(`Frikort gäller till och med ${periodEnd(start)}`);
  expect(invoice.document_html).toContain('1\u00a0450,00\u00a0kr');
  expect(invoice.document_html).toContain(`OCR-nummer: <strong>${invoice.ocr}</strong>`);
  expect(invoice.document_html).not.toContain(f.adultPnr);

  // The invoice went out through the mail port with its PDF, once.
  const mail = await waitFor(() =>
    stack.worker.mailer.sent.find((s) => s.subject.startsWith(`Faktura F-${String(invoice.number).padStart(6, '0')}`)),
  );
  expect(mail.attachments?.[0].content.subarray(0, 5).toString()).toBe('%PDF-');
  const [outbox] = await rows<{ n: string }>('select count(*) as n from outbox_message where idempotency_key = ?', [
    `invoice:${invoice.id}:invoice`,
  ]);
  expect(Number(outbox.n)).toBe(1);

  // The free card is honoured: the next visit costs nothing and no invoice is made for it.
  const [second] = await closedEncounter({ ...f, clinicianId: f.otherClinicianId }, f.adultId, f.adultPnr);
  expect(second).toMatchObject({ chargeOre: 0, reason: 'free-card' });
  // … also at another unit of the same provider.
  const other = await makeFixture(stack.ctx.orm);
  const [third] = await closedEncounter(other, f.adultId, f.adultPnr);
  expect(third).toMatchObject({ chargeOre: 0, reason: 'free-card' });
  const [billed] = await rows<{ n: string }>('select count(*) as n from invoice_line where charge_id in (?, ?)', [
    second.chargeId,
    third.chargeId,
  ]);
  expect(Number(billed.n)).toBe(0);

  const patient = await login(stack.app, { personnummer: f.adultPnr });
  const page = await patient.get('/mina-sidor/avgifter').expect(200);
  expect(page.text).toContain('150,00');
  expect(page.text).toContain('delbelopp, högkostnadsskyddet nås');
  expect(page.text).toContain(`Frikort gäller till och med ${periodEnd(start)}`);
  expect(page.text.match(/frikort\)/g)?.length).toBe(2); // the two 0-kr visits, with their reason
  expect(page.text).toContain(`F-${String(invoice.number).padStart(6, '0')}: Obetald`);
  expect(page.text).toContain(invoice.ocr!);

  // A visit fee counts towards the ceiling: it is not waived with a credit note.
  const finance = await login(stack.app, { hsaId: f.staff.finance });
  const refused = await finance
    .post(`/admin/ekonomi/fakturor/${invoice.id}/avskriv`, { chargeId: first.chargeId, reason: 'prova' })
    .expect(409);
  expect(refused.text).toContain('räknas mot högkostnadsskyddet');
});

it("RULES §1–2 VGR: one invoice for the month holds the crossing visit's partial fee, the free card, and the next visit at 0 kr", async () => {
  const f = await makeFixture(stack.ctx.orm, { units: ['boras'], with: ['other-clinician'] });
  const start = addDays(stockholmDateOf(new Date()), -20);
  // 1 350 kr paid this period: the next 200-kr doctor's visit pays the last 100 kr of the 1 450-kr ceiling.
  await rows('insert into high_cost_period (id, patient_id, start_date, paid_ore) values (?, ?, ?, ?)', [
    randomUUID(),
    f.adultId,
    start,
    135_000,
  ]);
  const policy = { invoice: { reminderAfterDueSeconds: 0, reminderTermsDays: 14, collectSeconds: 25 } };
  const [[a], [b]] = await Promise.all([
    closedEncounter(f, f.adultId, f.adultPnr, policy),
    closedEncounter({ ...f, clinicianId: f.otherClinicianId }, f.adultId, f.adultPnr, policy),
  ]);
  expect([a.chargeOre, b.chargeOre].sort((x, y) => x - y)).toEqual([0, 10_000]);
  expect([a.reason, b.reason].sort()).toEqual(['free-card', 'partial']);
  const month = stockholmDateOf(new Date()).slice(0, 7);
  const invoice = await invoiceOf(`month:${f.adultId}:${f.unitId}:${month}`, 45_000);
  expect(invoice.amount_ore).toBe(10_000);
  const lines = await rows<{ charge_id: string; amount_ore: number; description: string }>(
    'select charge_id, amount_ore, description from invoice_line where invoice_id = ? order by amount_ore',
    [invoice.id],
  );
  expect(lines.map((l) => l.charge_id).sort()).toEqual([a.chargeId, b.chargeId].sort());
  expect(lines.map((l) => [l.amount_ore, l.description])).toEqual([
    [0, 'Patientavgift (frikort, 0 kr)'],
    [10_000, 'Patientavgift (delbelopp, högkostnadsskyddet nås)'],
  ]);
  expect(invoice.document_html).toContain('Patientavgift (frikort, 0 kr)');
  expect(invoice.document_html).toContain(`Frikort gäller till och med ${periodEnd(start)}`);
  const [invoices] = await rows<{ n: string }>('select count(*) as n from invoice where patient_id = ?', [f.adultId]);
  expect(Number(invoices.n)).toBe(1);
}, 90_000);

it('unpaid: a reminder after the due date, then overdue; a BgMax payment by OCR closes it as paid, and re-importing changes nothing', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { invoice } = await noShowInvoice(stack.ctx, f, {
    invoice: { reminderAfterDueSeconds: 0, reminderTermsDays: 14, dueSeconds: 2, reminderSeconds: 2 },
  });
  expect(invoice.amount_ore).toBe(40_000);
  await waitForInvoiceStatus(invoice.id, 'reminded');
  await waitFor(() => stack.worker.mailer.sent.find((s) => s.subject.startsWith('Betalningspåminnelse')));
  await waitForInvoiceStatus(invoice.id, 'overdue');

  const finance = await login(stack.app, { hsaId: f.staff.finance });
  const serial = Date.now() % 1e9;
  const file = bgmaxFile([
    { ocr: invoice.ocr!, ore: 40_000, serial, payerName: 'Vuxen Testsson' },
    { text: 'FAKTURA SAKNAS', ore: 12_300, serial: serial + 1 },
  ]);
  const first = await finance
    .post(`/api/finance/bgmax?name=inbetalningar.txt`)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(file, 'latin1'))
    .expect(201);
  expect(first.body.summary).toMatchObject({
    paymentCount: 2,
    fileOre: 52_300,
    matchedCount: 1,
    matchedOre: 40_000,
    unmatchedCount: 1,
    unmatchedOre: 12_300,
    duplicateCount: 0,
  });
  expect(await invoiceHandle(invoice.billing_key).result()).toEqual({ invoiceId: invoice.id, status: 'paid' });
  await maybeRecordHistory(invoiceHandle(invoice.billing_key), 'paid-after-reminder', 'invoice');
  const paid = await waitForInvoiceStatus(invoice.id, 'paid');
  expect(paid.paid_ore).toBe(40_000);

  // The same file again: the first summary, nothing stored twice.
  const again = await finance
    .post('/api/finance/bgmax?name=igen.txt')
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(file, 'latin1'))
    .expect(200);
  expect(again.body).toMatchObject({ alreadyImported: true, importId: first.body.importId });
  const [count] = await rows<{ n: string }>('select count(*) as n from payment where invoice_id = ?', [invoice.id]);
  expect(Number(count.n)).toBe(1);
  expect((await waitForInvoiceStatus(invoice.id, 'paid')).paid_ore).toBe(40_000);

  // An overlapping file (the bank's next day repeats one payment): a duplicate, counted, not stored again.
  const overlapping = bgmaxFile(
    [
      { ocr: invoice.ocr!, ore: 40_000, serial, payerName: 'Vuxen Testsson' },
      { text: 'OKAND', ore: 5_000, serial: serial + 7 },
    ],
    { depositSerial: 2 },
  );
  const third = await finance
    .post('/api/finance/bgmax?name=overlapp.txt')
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(overlapping, 'latin1'))
    .expect(201);
  const t = third.body.summary;
  expect(t).toMatchObject({ duplicateCount: 1, duplicateOre: 40_000, unmatchedCount: 1, matchedCount: 0 });
  expect(t.matchedOre + t.unmatchedOre + t.duplicateOre).toBe(t.fileOre);
  expect((await waitForInvoiceStatus(invoice.id, 'paid')).paid_ore).toBe(40_000);
}, 60_000);

it('waiving a no-show fee issues a credit note (K series) and never edits the invoice', async () => {
  const f = await makeFixture(stack.ctx.orm, { with: ['staff'] });
  const { chargeId, invoice } = await noShowInvoice(stack.ctx, f);
  const charge = { chargeId };
  const admin = await login(stack.app, { hsaId: f.staff.careAdmin });
  const refused = await admin
    .post(`/admin/ekonomi/fakturor/${invoice.id}/avskriv`, { chargeId: charge.chargeId, reason: '' })
    .expect(400);
  expect(refused.text).toContain('skriv varför avgiften avskrivs');

  const page = await admin
    .post(`/admin/ekonomi/fakturor/${invoice.id}/avskriv`, {
      chargeId: charge.chargeId,
      reason: 'Sjuk, ringde samma dag',
    })
    .expect(200);
  expect(page.text).toMatch(/Avgiften är avskriven med kreditfaktura K-\d{6}/);
  const [note] = await rows<{ amount_ore: number; credits_invoice_id: string; series: string }>(
    "select amount_ore, credits_invoice_id, series from invoice where kind = 'credit-note' and credits_invoice_id = ?",
    [invoice.id],
  );
  expect(note).toEqual({ amount_ore: -40_000, credits_invoice_id: invoice.id, series: 'K' });
  expect(await invoiceHandle(invoice.billing_key).result()).toEqual({ invoiceId: invoice.id, status: 'credited' });
  await maybeRecordHistory(invoiceHandle(invoice.billing_key), 'credited', 'invoice');
  const after = await waitForInvoiceStatus(invoice.id, 'credited');
  expect(after.amount_ore).toBe(40_000); // the invoice itself is unchanged
  expect(after.credited_ore).toBe(40_000);
  expect(after.document_html).toBe(invoice.document_html);
  const [log] = await rows<{ actor: string }>(
    "select actor from audit_log where action = 'waive:charge' and target = ? and outcome = 'ok'",
    [`invoice:${invoice.id}`],
  );
  expect(log.actor).toBe(f.staff.careAdmin);
  // Once waived, waiving again is refused: the workflow has closed.
  await admin
    .post(`/admin/ekonomi/fakturor/${invoice.id}/avskriv`, { chargeId: charge.chargeId, reason: 'igen' })
    .expect(409);
}, 60_000);

it('invoice numbers are gap-free per series: a rolled-back invoice gives its number back', async () => {
  const em = stack.ctx.orm.em.fork();
  const taken = await Promise.allSettled(
    Array.from({ length: 12 }, (_, i) =>
      em.fork().transactional(async (tx) => {
        const n = await takeNumber(tx, 'F');
        if (i % 3 === 0) throw new Error('rolled back');
        return n;
      }),
    ),
  );
  const kept = taken.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : [])).sort((a, b) => a - b);
  expect(kept).toHaveLength(8);
  expect(kept[kept.length - 1] - kept[0]).toBe(kept.length - 1);
  const [{ next }] = await rows<{ next: string }>("select next_number as next from invoice_series where series = 'F'");
  expect(Number(next)).toBe(kept[kept.length - 1] + 1);
});

async function waitFor<T>(fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
