/** Updates, queries, policy and ids of the message thread workflow; the API imports these too. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Timers of a thread; production counts 2 Swedish working days (RULES.md §3), tests use seconds. */
export interface MessagePolicy {
  /** Tests: the answer is due this long after the message instead of 2 working days. */
  answerSeconds?: number;
  /** Tests: the reminder goes this long before the deadline instead of 08:00 the working day before. */
  reminderBeforeSeconds?: number;
  /** A day's care without its journal summary: a reminder after this long… */
  summaryReminderSeconds: number;
  /** …and a missing-documentation deviation after this long (the encounter's rule). */
  summaryOverdueSeconds: number;
  /** The thread closes after this long without a message, once all is answered and documented. */
  closeAfterIdleSeconds: number;
  activityTimeoutSeconds: number;
  /** A signed summary without the journal system's receipt this long: a deviation and manual entry (absent: 1 h). */
  journalReceiptSeconds?: number;
}

export const DEFAULT_MESSAGE_POLICY: MessagePolicy = {
  summaryReminderSeconds: 4 * 3600,
  summaryOverdueSeconds: 24 * 3600,
  closeAfterIdleSeconds: 30 * 24 * 3600,
  activityTimeoutSeconds: 30,
};

export interface ThreadInput {
  threadId: string;
  patientId: string;
  careUnitId: string;
  policy: MessagePolicy;
}

export interface Author {
  kind: 'patient' | 'staff';
  /** Personnummer or HSA-id. */
  id: string;
  name: string;
  /** Staff only: name, title, workplace, contact (SÄS: written replies are signed). */
  signature?: string;
}

export type SummaryJournal = 'sending' | 'delivered' | 'manual-needed' | 'entered-by-hand';

export interface ThreadView {
  status: 'open' | 'closed';
  unanswered: number;
  deadlineAt: string | null;
  dueDate: string | null;
  breaches: number;
  /** Each day of care; with `journal` once its summary goes to the journal system (issue 25). */
  careDays: Array<{ date: string; documented: boolean; journal?: SummaryJournal }>;
}

export const threadWorkflowId = (threadId: string) => `thread-${threadId}`;

export const postMessageUpdate = defineUpdate<
  { messageId: string; createdAt: string },
  [{ author: Author; text: string }]
>('postMessage');
export const writeSummaryUpdate = defineUpdate<
  { summaryId: string },
  [{ author: Author; contactDate: string; text: string }]
>('writeSummary');
/** The day's summary was entered in the journal system by hand, when it could not be sent. */
export const confirmManualSummaryEntryUpdate = defineUpdate<ThreadView, [{ author: Author; contactDate: string }]>(
  'confirmManualSummaryEntry',
);
export const closeThreadSignal = defineSignal('closeThread');
export const threadQuery = defineQuery<ThreadView>('thread');
