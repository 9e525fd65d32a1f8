/** Projection of an encounter workflow's state for listing and search (the workflow is the truth). */
import { EntitySchema } from '@mikro-orm/core';

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
  properties: {
    id: { type: 'uuid', primary: true },
    workflowId: { type: 'text', unique: true },
    patientId: { type: 'uuid' },
    careUnitId: { type: 'uuid' },
    clinicianId: { type: 'uuid', nullable: true },
    slotId: { type: 'uuid', nullable: true },
    status: { type: 'text' },
    step: { type: 'text' },
    waitingFor: { type: 'text', nullable: true },
    outcome: { type: 'text', nullable: true },
    scheduledStart: { type: 'Date', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    closedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    version: { type: 'integer' },
  },
});
