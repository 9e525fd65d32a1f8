/** The access log (Patientdatalagen): rows are only ever added, never changed or removed. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog } from './entities';

export interface AccessLogEntry {
  actor: string;
  role: string;
  action: string;
  target: string;
  detail?: Record<string, unknown> | null;
}

/**
 * Writes one row per patient touched (one row without a patient when none was).
 * @param em - the request's EntityManager, or the transaction of the change being logged
 */
export async function writeAccessLog(
  em: EntityManager,
  entry: AccessLogEntry,
  patientIds: Array<string | null>,
): Promise<void> {
  const patients = patientIds.length ? patientIds : [null];
  await em.insertMany(
    AuditLog,
    patients.map((patientId) => ({ ...entry, patientId, detail: entry.detail ?? null })),
  );
}

export async function accessLogFor(
  em: EntityManager,
  where: { target?: string; patientId?: string },
): Promise<AuditLog[]> {
  return em.find(AuditLog, where, { orderBy: { id: 'asc' } });
}
