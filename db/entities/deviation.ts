/** A deviation (avvikelse) for the quality lead: new → under review → closed, with the action taken. */
import { EntitySchema } from '@mikro-orm/core';

export const DEVIATION_CATEGORIES = [
  'missing-documentation',
  'late-answer',
  'no-show',
  'identity-failure',
  'video-failure',
  'late-cancellation',
  'other',
] as const;
export type DeviationCategory = (typeof DEVIATION_CATEGORIES)[number];
export type DeviationSeverity = 'low' | 'medium' | 'high';
export type DeviationStatus = 'new' | 'under_review' | 'closed';

export class Deviation {
  id!: string;
  encounterId?: string | null;
  category!: DeviationCategory;
  severity!: DeviationSeverity;
  description!: string;
  status: DeviationStatus = 'new';
  action?: string | null;
  /** Idempotency key (e.g. encounter id + step) so a retried activity records it once. */
  dedupeKey?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  closedAt?: Date | null;
}

export const DeviationSchema = new EntitySchema<Deviation>({
  class: Deviation,
  tableName: 'deviation',
  properties: {
    id: { type: 'uuid', primary: true },
    encounterId: { type: 'uuid', nullable: true },
    category: { type: 'text' },
    severity: { type: 'text' },
    description: { type: 'text' },
    status: { type: 'text' },
    action: { type: 'text', nullable: true },
    dedupeKey: { type: 'text', nullable: true, unique: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    closedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
