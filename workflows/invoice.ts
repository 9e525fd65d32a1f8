/** One invoice as one durable workflow: collect → issue → wait for payment → reminder → overdue → closed when settled. */
import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities/invoice';
import { addDays, stockholmDateOf, stockholmMidnight } from '../domain/dates';
import { ACTIVITY_FAILURE_TYPES } from '../domain/failures';
import { firstOfNextMonth } from '../domain/invoices';
import {
  balanceChangedSignal,
  InvoiceInput,
  InvoicePolicy,
  InvoiceResult,
  waiveChargeUpdate,
} from './invoice.messages';
import { setHandler } from './payload-origin';

/** The activities, timed out by the policy (tests shorten it so a killed worker's activity retries soon). */
const activitiesFor = (policy: InvoicePolicy) =>
  proxyActivities<InvoiceActivities>({
    startToCloseTimeout: `${policy.activityTimeoutSeconds ?? 60}s`,
    retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] },
  });

/** The end of a Stockholm day, as epoch ms: a due date lasts the whole day. */
const endOf = (day: string) => stockholmMidnight(addDays(day, 1)).getTime();

export async function invoiceWorkflow(input: InvoiceInput): Promise<InvoiceResult> {
  const { policy } = input;
  const acts = activitiesFor(policy);
  let invoiceId: string | null = null;
  let changed = false;
  setHandler(balanceChangedSignal, () => void (changed = true));
  setHandler(
    waiveChargeUpdate,
    async (req) => {
      const note = await acts.creditCharge({ invoiceId: invoiceId!, ...req });
      changed = true;
      await acts.sendInvoiceDocument({ invoiceId: note.creditNoteId, document: 'credit-note' });
      return note;
    },
    {
      validator: (req) => {
        if (!invoiceId)
          throw ApplicationFailure.create({ type: 'WrongStep', message: 'the invoice is not issued yet' });
        if (!req?.reason?.trim())
          throw ApplicationFailure.create({
            type: 'Invalid',
            message: 'reason is required',
            details: [{ field: 'reason' }],
          });
      },
    },
  );

  // Monthly billing collects the month's charges first (RULES.md §2, VGR: one invoice for the month before).
  let createdBefore: string | undefined;
  if (input.mode === 'monthly') {
    const until =
      policy.collectSeconds !== undefined
        ? Date.now() + policy.collectSeconds * 1000
        : stockholmMidnight(firstOfNextMonth(input.month!)).getTime();
    await sleep(Math.max(0, until - Date.now()));
    createdBefore = new Date(until).toISOString();
  }
  const issued = await acts.issueInvoice({
    billingKey: input.billingKey,
    patientId: input.patientId,
    careUnitId: input.careUnitId,
    chargeId: input.chargeId,
    createdBefore,
  });
  if (!issued) return { invoiceId: null, status: 'nothing-to-invoice' };
  invoiceId = issued.invoiceId;
  await acts.sendInvoiceDocument({ invoiceId, document: 'invoice' });

  /** Waits until the invoice is settled (true) or `at` passes unsettled (false); every change is re-read. */
  const settledBy = async (at: number | null): Promise<boolean> => {
    for (;;) {
      let woke = true;
      if (at === null) await condition(() => changed);
      else woke = await condition(() => changed, Math.max(1, at - Date.now()));
      changed = false;
      const b = await acts.invoiceBalance({ invoiceId: invoiceId! });
      if (b.settled) return true;
      if (!woke) return false;
    }
  };

  const remindAt =
    policy.dueSeconds !== undefined
      ? Date.now() + policy.dueSeconds * 1000
      : endOf(issued.dueDate) + policy.reminderAfterDueSeconds * 1000;
  if (!(await settledBy(remindAt))) {
    const reminderDueDate = addDays(stockholmDateOf(new Date()), policy.reminderTermsDays);
    await acts.markInvoice({ invoiceId, mark: 'reminded' });
    await acts.sendInvoiceDocument({ invoiceId, document: 'reminder', reminderDueDate });
    const overdueAt =
      policy.reminderSeconds !== undefined ? Date.now() + policy.reminderSeconds * 1000 : endOf(reminderDueDate);
    if (!(await settledBy(overdueAt))) {
      await acts.markInvoice({ invoiceId, mark: 'overdue' });
      // Overdue stays visible to finance staff; the invoice still closes the day it is paid or credited.
      await settledBy(null);
    }
  }
  const { status } = await acts.markInvoice({ invoiceId, mark: 'closed' });
  await condition(allHandlersFinished);
  return { invoiceId, status };
}
