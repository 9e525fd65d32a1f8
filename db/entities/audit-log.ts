/** One row per read or change of patient data (Patientdatalagen access logging); rows are only ever added. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export const ACCESS_OUTCOMES = ['ok', 'refused', 'error'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

export class AuditLog {
  /** Set by the database (bigserial, now()). */
  [OptionalProps]?: 'id' | 'at' | 'outcome';
  id!: string;
  at: Date = new Date();
  actor!: string;
  role!: string;
  patientId?: string | null;
  /** The unit whose data was touched (quality leads follow up their own units' rows). */
  careUnitId?: string | null;
  action!: string;
  target!: string;
  detail?: Record<string, unknown> | null;
  /** 'refused' when the change was refused (by the authorization layer or the workflow). */
  outcome: AccessOutcome = 'ok';
  requestId?: string | null;
  clientAddress?: string | null;
}

export const AuditLogSchema = new EntitySchema<AuditLog>({
  class: AuditLog,
  tableName: 'audit_log',
  indexes: [
    { name: 'audit_log_patient_idx', properties: ['patientId', 'at'] },
    { name: 'audit_log_unit_idx', properties: ['careUnitId', 'at'] },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: createdAt,
    actor: { type: 'text' },
    role: { type: 'text' },
    patientId: ref('Patient', 'patient_id', { nullable: true }),
    careUnitId: { type: 'uuid', fieldName: 'care_unit_id', nullable: true },
    action: { type: 'text' },
    target: { type: 'text' },
    detail: { type: 'json', nullable: true },
    outcome: { enum: true, items: () => ACCESS_OUTCOMES, default: 'ok' },
    requestId: { type: 'text', nullable: true },
    clientAddress: { type: 'text', nullable: true },
  },
});
