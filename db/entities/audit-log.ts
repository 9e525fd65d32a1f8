/** One row per read or change of patient data (Patientdatalagen access logging); rows are only ever added. */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export class AuditLog {
  /** Set by the database (bigserial, now()). */
  [OptionalProps]?: 'id' | 'at';
  id!: string;
  at: Date = new Date();
  actor!: string;
  role!: string;
  patientId?: string | null;
  action!: string;
  target!: string;
  detail?: Record<string, unknown> | null;
}

export const AuditLogSchema = new EntitySchema<AuditLog>({
  class: AuditLog,
  tableName: 'audit_log',
  indexes: [{ name: 'audit_log_patient_idx', properties: ['patientId', 'at'] }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: createdAt,
    actor: { type: 'text' },
    role: { type: 'text' },
    patientId: ref('Patient', 'patient_id', { nullable: true }),
    action: { type: 'text' },
    target: { type: 'text' },
    detail: { type: 'json', nullable: true },
  },
});
