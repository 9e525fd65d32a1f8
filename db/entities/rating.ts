/** A patient's (or guardian's) rating of a closed encounter: one per encounter, with the unit and month it counts for. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export const RATED_AS = ['patient', 'guardian'] as const;

export class Rating {
  [OptionalProps]?: 'createdAt';
  id!: string;
  encounterId!: string;
  careUnitId!: string;
  /** The encounter's Stockholm month, 'YYYY-MM' (as Uppföljning counts it). */
  month!: string;
  score!: number;
  /** The patient's own words: shown to no one in the back office, never logged. */
  comment?: string | null;
  ratedAs!: (typeof RATED_AS)[number];
  createdAt: Date = new Date();
}

export const RatingSchema = new EntitySchema<Rating>({
  class: Rating,
  tableName: 'rating',
  uniques: [{ name: 'rating_encounter_id_key', properties: ['encounterId'] }],
  indexes: [{ name: 'rating_unit_month_idx', properties: ['careUnitId', 'month'] }],
  checks: [
    { name: 'rating_month_check', expression: `month ~ '^[0-9]{4}-[0-9]{2}$'` },
    { name: 'rating_score_check', expression: 'score >= 1 and score <= 5' },
    { name: 'rating_comment_check', expression: 'char_length(comment) <= 1000' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    encounterId: ref('Encounter', 'encounter_id'),
    careUnitId: ref('CareUnit', 'care_unit_id'),
    month: { type: 'text' },
    score: { type: 'integer' },
    comment: { type: 'text', nullable: true },
    ratedAs: { enum: true, items: () => RATED_AS },
    createdAt,
  },
});
