/** The clinician's answers to the four eligibility questions, one row per encounter. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export class EligibilityAssessment {
  encounterId!: string;
  clinicianId!: string;
  answers!: Record<string, boolean>;
  eligible!: boolean;
  reasons!: string[];
  assessedAt: Date = new Date();
}

export const EligibilityAssessmentSchema = new EntitySchema<EligibilityAssessment>({
  class: EligibilityAssessment,
  tableName: 'eligibility_assessment',
  properties: {
    encounterId: ref('Encounter', 'encounter_id', { primary: true }),
    clinicianId: { type: 'text' },
    answers: { type: 'json' },
    eligible: { type: 'boolean' },
    reasons: { type: 'json' },
    assessedAt: createdAt,
  },
});
