/**
 * An invoice as one machine: collect (monthly billing) → issue → wait for payment → reminder →
 * overdue → closed when settled, and credit notes for waived charges. Private state, one method per
 * message; every side effect is an activity.
 */
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities/invoice';
import { addDays, stockholmDateOf, stockholmMidnight } from '../domain/dates';
import { ACTIVITY_FAILURE_TYPES } from '../domain/failures';
import { firstOfNextMonth } from '../domain/invoices';
import type { InvoiceInput, InvoiceResult, WaiveRequest } from './invoice.messages';

/** The end of a Stockholm day, as epoch ms: a due date lasts the whole day. */
const endOf = (day: string) => stockholmMidnight(addDays(day, 1)).getTime();

export class InvoiceMachine {
  readonly #input: InvoiceInput;
  readonly #acts: InvoiceActivities;
  #invoiceId: string | null = null;
  /** A payment, credit or waiver may have moved the balance: look again. */
  #changed = false;

  constructor(input: InvoiceInput) {
    this.#input = input;
    // Timed out by the policy (tests shorten it so a killed worker's activity retries soon).
    this.#acts = proxyActivities<InvoiceActivities>({
      startToCloseTimeout: `${input.policy.activityTimeoutSeconds ?? 60}s`,
      retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: [...ACTIVITY_FAILURE_TYPES] },
    });
  }

  // ── Messages ────────────────────────────────────────────────────────────────────────────────

  balanceChanged(): void {
    this.#changed = true;
  }

  assertCanWaiveCharge(req: WaiveRequest): void {
    if (!this.#invoiceId)
      throw ApplicationFailure.create({ type: 'WrongStep', message: 'the invoice is not issued yet' });
    if (!req?.reason?.trim())
      throw ApplicationFailure.create({
        type: 'Invalid',
        message: 'reason is required',
        details: [{ field: 'reason' }],
      });
  }

  /** A waived charge is credited by a credit note (K series); the invoice itself is never edited. */
  async waiveCharge(req: WaiveRequest) {
    const note = await this.#acts.creditCharge({ invoiceId: this.#invoiceId!, ...req });
    this.#changed = true;
    await this.#acts.sendInvoiceDocument({ invoiceId: note.creditNoteId, document: 'credit-note' });
    return note;
  }

  // ── The steps ───────────────────────────────────────────────────────────────────────────────

  async run(): Promise<InvoiceResult> {
    const input = this.#input;
    const { policy } = input;
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
    const { billingKey, patientId, careUnitId, chargeId } = input;
    const issued = await this.#acts.issueInvoice({ billingKey, patientId, careUnitId, chargeId, createdBefore });
    if (!issued) return { invoiceId: null, status: 'nothing-to-invoice' };
    const invoiceId = (this.#invoiceId = issued.invoiceId);
    await this.#acts.sendInvoiceDocument({ invoiceId, document: 'invoice' });

    const remindAt =
      policy.dueSeconds !== undefined
        ? Date.now() + policy.dueSeconds * 1000
        : endOf(issued.dueDate) + policy.reminderAfterDueSeconds * 1000;
    if (!(await this.#settledBy(remindAt))) {
      const reminderDueDate = addDays(stockholmDateOf(new Date()), policy.reminderTermsDays);
      await this.#acts.markInvoice({ invoiceId, mark: 'reminded' });
      await this.#acts.sendInvoiceDocument({ invoiceId, document: 'reminder', reminderDueDate });
      const overdueAt =
        policy.reminderSeconds !== undefined ? Date.now() + policy.reminderSeconds * 1000 : endOf(reminderDueDate);
      if (!(await this.#settledBy(overdueAt))) {
        await this.#acts.markInvoice({ invoiceId, mark: 'overdue' });
        // Overdue stays visible to finance staff; the invoice still closes the day it is paid or credited.
        await this.#settledBy(null);
      }
    }
    const { status } = await this.#acts.markInvoice({ invoiceId, mark: 'closed' });
    await condition(allHandlersFinished);
    return { invoiceId, status };
  }

  /** Waits until the invoice is settled (true) or `at` passes unsettled (false); every change is re-read. */
  async #settledBy(at: number | null): Promise<boolean> {
    for (;;) {
      let woke = true;
      if (at === null) await condition(() => this.#changed);
      else woke = await condition(() => this.#changed, Math.max(1, at - Date.now()));
      this.#changed = false;
      const b = await this.#acts.invoiceBalance({ invoiceId: this.#invoiceId! });
      if (b.settled) return true;
      if (!woke) return false;
    }
  }
}
