/** One row per staff read or change of patient data (Patientdatalagen access logging). */
import { EntitySchema } from '@mikro-orm/core';

export class AuditLog {
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
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: { type: 'Date', columnType: 'timestamptz' },
    actor: { type: 'text' },
    role: { type: 'text' },
    patientId: { type: 'uuid', nullable: true },
    action: { type: 'text' },
    target: { type: 'text' },
    detail: { type: 'json', nullable: true },
  },
});
