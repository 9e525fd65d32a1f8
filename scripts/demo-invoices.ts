/**
 * The demo's invoices: the history's bank import and reminders; after `npm start` each open invoice
 * gets its invoice workflow (due date, reminder, payment), and a BgMax file from Bankgirot paying them
 * all is written where the import page says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { createFeeActivities } from '../activities/encounter/fees';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FinanceSettings } from '../config';
import { createInvoiceBooks } from '../activities/invoice';
import { importBgMaxFile } from '../api/finance/bgmax-import';
import { writeAccessLog } from '../db/access-log';
import { chargesWithoutInvoice, findInvoice, findInvoiceByKey, openInvoices } from '../db/invoices';
import { DEMO } from '../db/seed';
import { addDays, stockholmDateOf, stockholmMidnight } from '../domain/dates';
import { findPatient } from '../db/people';
import type { Orm } from '../db/orm';
import { bgmaxFile } from '../domain/bgmax-file';
import { remainingOre } from '../domain/invoices';
import { invoiceWorkflow } from '../workflows/invoice';
import { DEFAULT_INVOICE_POLICY, InvoiceInput, invoiceWorkflowId } from '../workflows/invoice.messages';

/**
 * Every open invoice gets its invoice workflow (which follows the due date, the reminder and the
 * payment), and every charge still waiting for its monthly invoice the workflow that will issue it;
 * those already running are left as they are. Returns how many were started.
 */
export async function startDemoInvoiceWorkflows(orm: Orm, temporal: Client, taskQueue: string): Promise<number> {
  const em = orm.em.fork();
  const fees = createFeeActivities({ orm });
  const billings: InvoiceInput[] = [];
  for (const inv of await openInvoices(em)) {
    // The billing key says how the invoice was billed: `charge:<id>` or `month:<patient>:<unit>:<YYYY-MM>`.
    const perEncounter = inv.billingKey.startsWith('charge:');
    billings.push({
      billingKey: inv.billingKey,
      patientId: inv.patientId,
      careUnitId: inv.careUnitId,
      policy: DEFAULT_INVOICE_POLICY,
      ...(perEncounter
        ? { mode: 'per-encounter', chargeId: inv.billingKey.slice('charge:'.length) }
        : { mode: 'monthly', month: inv.billingKey.slice(-7) }),
    });
  }
  for (const chargeId of await chargesWithoutInvoice(em)) {
    const b = await fees.billingOf({ chargeId });
    if (b && !(await findInvoiceByKey(em, b.billingKey))) billings.push({ ...b, policy: DEFAULT_INVOICE_POLICY });
  }
  const started = await Promise.all(
    [...new Map(billings.map((x) => [x.billingKey, x])).values()].map((b) =>
      temporal.workflow
        .start(invoiceWorkflow, { workflowId: invoiceWorkflowId(b.billingKey), taskQueue, args: [b] })
        .then(
          () => 1,
          (err: unknown) => {
            if (err instanceof WorkflowExecutionAlreadyStartedError) return 0;
            throw err;
          },
        ),
    ),
  );
  return started.reduce((a, n) => a + n, 0);
}

/**
 * A BgMax file from Bankgirot (marked as a test file) paying every open demo invoice in full by its
 * OCR reference, for the import page to point to (`DEMO_BGMAX_SAMPLE`). Null when nothing is open.
 */
export async function demoBgMaxSample(
  orm: Orm,
  opts: { bankgiro: string; today: string },
): Promise<{ text: string; payments: number; ore: number } | null> {
  const open = (await openInvoices(orm.em.fork())).filter((i) => i.ocr && remainingOre(i) > 0);
  if (!open.length) return null;
  // Bankgirot's serials from the invoices' own numbers: the same invoices give the same file.
  const em = orm.em.fork();
  const lines = [];
  for (const i of open.sort((a, b) => a.number - b.number))
    lines.push({
      ocr: i.ocr!,
      ore: remainingOre(i),
      serial: 900_000 + i.number,
      payerName: await payerName(em, i.payerId),
    });
  const text = bgmaxFile(lines, {
    date: opts.today,
    receiver: opts.bankgiro.replace(/\D/g, ''),
    depositSerial: 2,
    test: true,
  });
  return { text, payments: lines.length, ore: lines.reduce((a, l) => a + l.ore, 0) };
}

/**
 * Writes the sample (`demoBgMaxSample`) to `file`, or removes an old one when nothing is open.
 * @param file - where the import page says it is: `DEMO_BGMAX_SAMPLE` in the data folder
 */
export async function writeDemoBgMaxSample(
  orm: Orm,
  file: string,
  opts: { bankgiro: string; today: string },
): Promise<{ payments: number; ore: number } | null> {
  const sample = await demoBgMaxSample(orm, opts);
  if (!sample) {
    fs.rmSync(file, { force: true });
    return null;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // BgMax is Latin-1 (RULES.md §8).
  fs.writeFileSync(file, Buffer.from(sample.text, 'latin1'));
  return { payments: sample.payments, ore: sample.ore };
}

/** The payer's name as a bank file carries it (TK26, 35 characters): upper case, without å, ä, ö. */
export async function payerName(em: EntityManager, payerId: string): Promise<string> {
  const p = (await findPatient(em, payerId))!;
  return `${p.givenName} ${p.familyName}`.toUpperCase().replace(/[ÅÄ]/g, 'A').replace(/Ö/g, 'O').slice(0, 35);
}

/**
 * The history's bank file of `at`, imported by the demo's economist through the same import as the
 * page's: the invoices to pay (in part: about half), and one payment nobody can place. A paid
 * invoice is then closed, as its workflow closes it the moment it is paid.
 */
export async function importPastPayments(
  orm: Orm,
  finance: FinanceSettings,
  at: Date,
  toPay: Array<{ invoiceId: string; part: boolean }>,
) {
  const em = orm.em.fork();
  const lines = [];
  let serial = 1;
  for (const { invoiceId, part } of toPay) {
    const inv = (await findInvoice(em, invoiceId))!;
    const left = remainingOre(inv);
    const ore = part ? Math.round(left / 200) * 100 : left;
    lines.push({ ocr: inv.ocr!, ore, serial: serial++, payerName: await payerName(em, inv.payerId) });
  }
  lines.push({ text: 'FAKTURA OKLAR', ore: 27_500, serial: serial++, payerName: 'OKAND BETALARE' });
  const date = stockholmDateOf(at);
  const text = bgmaxFile(lines, { date, receiver: finance.bankgiro.replace(/\D/g, '') });
  const economist = DEMO.staff.omar;
  const by = { id: economist.hsaId, name: `${economist.givenName} ${economist.familyName}` };
  const { summary } = await importBgMaxFile(
    em,
    { name: `BgMax ${date}.txt`, bytes: Buffer.from(text, 'latin1') },
    by,
    (tx, { patientIds, ...e }) => writeAccessLog(tx, { actor: by.id, role: 'finance', ...e }, patientIds),
    at,
  );
  const books = createInvoiceBooks({ orm, finance, now: () => at });
  for (const { invoiceId, part } of toPay) if (!part) await books.markInvoice({ invoiceId, mark: 'closed' });
  return summary;
}

/**
 * What the invoice workflow would have done by `now` to the unpaid (DEFAULT_INVOICE_POLICY): a
 * reminder three days after the due date, and overdue once the reminder's 14 days have passed too.
 */
export async function remindPastDue(orm: Orm, finance: FinanceSettings, now: Date): Promise<void> {
  for (const inv of await openInvoices(orm.em.fork())) {
    const remindAt = new Date(
      stockholmMidnight(addDays(inv.dueDate!, 1)).getTime() + DEFAULT_INVOICE_POLICY.reminderAfterDueSeconds * 1000,
    );
    if (remindAt > now) continue;
    await createInvoiceBooks({ orm, finance, now: () => remindAt }).markInvoice({
      invoiceId: inv.id,
      mark: 'reminded',
    });
    const reminderDue = addDays(stockholmDateOf(remindAt), DEFAULT_INVOICE_POLICY.reminderTermsDays);
    const overdueAt = stockholmMidnight(addDays(reminderDue, 1));
    if (overdueAt <= now)
      await createInvoiceBooks({ orm, finance, now: () => overdueAt }).markInvoice({
        invoiceId: inv.id,
        mark: 'overdue',
      });
  }
}
