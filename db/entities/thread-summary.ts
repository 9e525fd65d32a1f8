/** The journal summary of one day's care in a thread, dated to that day (one per thread and day). */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, day, ref } from './columns';

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
  },
});
