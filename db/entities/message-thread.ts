/** A thread of messages between a patient (or a guardian) and a care unit; its workflow writes the state columns. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, day, optionalTime, ref } from './columns';

export const THREAD_STATUSES = ['open', 'closed'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];

export class MessageThread {
  [OptionalProps]?: 'status' | 'overdue' | 'undocumentedDays' | 'lastActivityAt' | 'createdAt';
  id!: string;
  workflowId!: string;
  patientId!: string;
  careUnitId!: string;
  subject!: string;
  /** Personnummer of who started it: the patient or a guardian. */
  startedBy!: string;
  status: ThreadStatus = 'open';
  /** The earliest unanswered message's due day and its end, or null when all are answered. */
  dueDate?: string | null;
  deadlineAt?: Date | null;
  overdue = false;
  undocumentedDays = 0;
  lastActivityAt: Date = new Date();
  createdAt: Date = new Date();
  closedAt?: Date | null;
}

export const MessageThreadSchema = new EntitySchema<MessageThread>({
  class: MessageThread,
  tableName: 'message_thread',
  indexes: [
    { name: 'message_thread_queue_idx', properties: ['careUnitId', 'status', 'deadlineAt'] },
    {
      name: 'message_thread_patient_idx',
      expression: 'create index message_thread_patient_idx on message_thread (patient_id, last_activity_at desc)',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    workflowId: { type: 'text', unique: true },
    patientId: ref('Patient', 'patient_id'),
    careUnitId: ref('CareUnit', 'care_unit_id'),
    subject: { type: 'text' },
    startedBy: { type: 'text' },
    status: { enum: true, items: () => THREAD_STATUSES, default: 'open' },
    dueDate: { ...day, nullable: true },
    deadlineAt: optionalTime,
    overdue: { type: 'boolean', default: false },
    undocumentedDays: { type: 'integer', default: 0 },
    lastActivityAt: createdAt,
    createdAt,
    closedAt: optionalTime,
  },
});
