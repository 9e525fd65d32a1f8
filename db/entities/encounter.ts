/** Projection of an encounter workflow's state for listing and search (the workflow is the truth). */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export class Encounter {
  id!: string;
  workflowId!: string;
  patientId!: string;
  careUnitId!: string;
  clinicianId?: string | null;
  slotId?: string | null;
  status!: string;
  step!: string;
  waitingFor?: string | null;
  outcome?: string | null;
  scheduledStart?: Date | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  closedAt?: Date | null;
  /** Last workflow history length written, so a late projection never overwrites a newer one. */
  version = 0;
}

export const EncounterSchema = new EntitySchema<Encounter>({
  class: Encounter,
  tableName: 'encounter',
  indexes: [
    // The list pages: by status and unit in time order, and a clinician's day (db/encounters.ts listEncounters).
    { name: 'encounter_list_idx', properties: ['status', 'careUnitId', 'scheduledStart'] },
    { name: 'encounter_clinician_idx', properties: ['clinicianId', 'scheduledStart'] },
    // Cursor paging newest first (db/encounters.ts listEncounters), unfiltered, by unit and by status.
    ...(
      [
        ['encounter_when_idx', ''],
        ['encounter_unit_when_idx', 'care_unit_id, '],
        ['encounter_status_when_idx', 'status, '],
      ] as const
    ).map(([name, lead]) => ({
      name,
      expression: `create index ${name} on encounter (${lead}(coalesce(scheduled_start, created_at)) desc, id desc)`,
    })),
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    workflowId: { type: 'text', unique: true },
    patientId: ref('Patient', 'patient_id'),
    careUnitId: ref('CareUnit', 'care_unit_id'),
    clinicianId: ref('Clinician', 'clinician_id', { nullable: true }),
    slotId: ref('Slot', 'slot_id', { nullable: true }),
    status: { type: 'text' },
    step: { type: 'text' },
    waitingFor: { type: 'text', nullable: true },
    outcome: { type: 'text', nullable: true },
    scheduledStart: optionalTime,
    createdAt,
    updatedAt: createdAt,
    closedAt: optionalTime,
    version: { type: 'integer', default: 0 },
  },
});
