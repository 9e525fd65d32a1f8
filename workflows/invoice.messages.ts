/** Signals, updates, policy and ids of the invoice workflow; the API and the encounter workflow import these. */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

/** The invoice's waits, in seconds where tests shorten them; production uses the calendar. */
export interface InvoicePolicy {
  /** After the due date (end of that Stockholm day) a reminder goes out after this long… */
  reminderAfterDueSeconds: number;
  /** …giving this many more days to pay, after which the invoice is overdue (förfallen). */
  reminderTermsDays: number;
  /** Tests: wait this long for payment instead of until the printed due date. */
  dueSeconds?: number;
  /** Tests: issue the monthly invoice after this long instead of on the first of next month. */
  collectSeconds?: number;
  /** Tests: wait this long after the reminder instead of `reminderTermsDays`. */
  reminderSeconds?: number;
  /** Tests: an activity's start-to-close timeout (default 60 s), so a killed worker's activity retries soon. */
  activityTimeoutSeconds?: number;
}

export const DEFAULT_INVOICE_POLICY: InvoicePolicy = {
  reminderAfterDueSeconds: 3 * 24 * 3600,
  reminderTermsDays: 14,
};

export interface InvoiceInput {
  billingKey: string;
  patientId: string;
  careUnitId: string;
  mode: 'per-encounter' | 'monthly';
  /** per-encounter: the one charge billed. */
  chargeId?: string;
  /** monthly: 'YYYY-MM', the charges created in it (Stockholm time). */
  month?: string;
  policy: InvoicePolicy;
}

export interface InvoiceResult {
  invoiceId: string | null;
  status: string;
}

/** Billing keys: one invoice per charge, or per patient, unit and month. */
export const billingKeyFor = (i: {
  mode: 'per-encounter' | 'monthly';
  chargeId?: string;
  patientId: string;
  careUnitId: string;
  month?: string;
}) => (i.mode === 'per-encounter' ? `charge:${i.chargeId}` : `month:${i.patientId}:${i.careUnitId}:${i.month}`);
export const invoiceWorkflowId = (billingKey: string) => `invoice-${billingKey}`;

/** Payments or credits changed the invoice's balance: look again. */
export const balanceChangedSignal = defineSignal('balanceChanged');

export interface WaiveRequest {
  chargeId: string;
  reason: string;
  actor: { id: string; name: string };
}
/** Waive one charge (a forgiven no-show fee) with a credit note. */
export const waiveChargeUpdate = defineUpdate<
  { creditNoteId: string; label: string; amountOre: number },
  [WaiveRequest]
>('waiveCharge');
