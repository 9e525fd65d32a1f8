/** A deviation (avvikelse) for the quality lead: new → under review → closed, with the action taken. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export const DEVIATION_CATEGORIES = [
  'missing-documentation',
  'late-answer',
  'no-show',
  'identity-failure',
  'video-failure',
  'late-cancellation',
  /** A signed note the journal system has not confirmed in time (issue 25). */
  'not-in-journal',
  /** A barrier reported on the accessibility statement's form (DOS-lagen, issue 28): no encounter, no unit. */
  'accessibility-barrier',
  /** A booked interpreter never joined the meeting (issue 26): not the patient's no-show, no fee. */
  'interpreter-no-show',
  'other',
] as const;
export type DeviationCategory = (typeof DEVIATION_CATEGORIES)[number];
export const DEVIATION_SEVERITIES = ['low', 'medium', 'high'] as const;
export type DeviationSeverity = (typeof DEVIATION_SEVERITIES)[number];
export const DEVIATION_STATUSES = ['new', 'under_review', 'closed'] as const;
export type DeviationStatus = (typeof DEVIATION_STATUSES)[number];

export class Deviation {
  id!: string;
  encounterId?: string | null;
  /** A message thread's deviation (late answer, missing summary) has no encounter. */
  threadId?: string | null;
  category!: DeviationCategory;
  severity!: DeviationSeverity;
  description!: string;
  status: DeviationStatus = 'new';
  action?: string | null;
  /** Idempotency key (e.g. encounter id + step) so a retried activity records it once. */
  dedupeKey?: string | null;
  /** The page a reported accessibility barrier was on (a path on this site). */
  page?: string | null;
  /** How the reporter of an accessibility barrier wants an answer (mail or phone), if at all. */
  reporterContact?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  closedAt?: Date | null;
}

export const DeviationSchema = new EntitySchema<Deviation>({
  class: Deviation,
  tableName: 'deviation',
  indexes: [{ name: 'deviation_status_idx', properties: ['status', 'createdAt'] }],
  checks: [{ name: 'deviation_check', expression: `status <> 'closed' or action is not null` }],
  properties: {
    id: { type: 'uuid', primary: true },
    encounterId: ref('Encounter', 'encounter_id', { nullable: true }),
    threadId: ref('MessageThread', 'thread_id', { nullable: true }),
    category: { enum: true, items: () => DEVIATION_CATEGORIES },
    severity: { enum: true, items: () => DEVIATION_SEVERITIES },
    description: { type: 'text' },
    status: { enum: true, items: () => DEVIATION_STATUSES, default: 'new' },
    action: { type: 'text', nullable: true },
    dedupeKey: { type: 'text', nullable: true, unique: true },
    page: { type: 'text', nullable: true },
    reporterContact: { type: 'text', nullable: true },
    createdAt,
    updatedAt: createdAt,
    closedAt: optionalTime,
  },
});
