/** The journal summary of one day's care in a thread, dated to that day (one per thread and day). */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, day, optionalTime, ref } from './columns';

export class ThreadSummary {
  [OptionalProps]?: 'signedAt';
  id!: string;
  threadId!: string;
  contactDate!: string;
  visitType!: string;
  text!: string;
  signedBy!: string;
  signedByName!: string;
  signedAt: Date = new Date();
  /** Where the summary stands in the journal system (issue 25): sending, delivered, manual-needed, entered-by-hand. */
  journalStatus?: string | null;
  ehrReceipt?: Record<string, string> | null;
  manualEntryBy?: string | null;
  manualEntryAt?: Date | null;
}

export const ThreadSummarySchema = new EntitySchema<ThreadSummary>({
  class: ThreadSummary,
  tableName: 'thread_summary',
  uniques: [{ name: 'thread_summary_thread_id_contact_date_key', properties: ['threadId', 'contactDate'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    threadId: ref('MessageThread', 'thread_id'),
    contactDate: day,
    visitType: { type: 'text' },
    text: { type: 'text' },
    signedBy: { type: 'text' },
    signedByName: { type: 'text' },
    signedAt: createdAt,
    journalStatus: { type: 'text', nullable: true },
    ehrReceipt: { type: 'json', nullable: true },
    manualEntryBy: { type: 'text', nullable: true },
    manualEntryAt: optionalTime,
  },
});
