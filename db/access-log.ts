/** The access log (Patientdatalagen): rows are only ever added, never changed or removed. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessOutcome, AuditLog } from './entities';

export interface AccessLogEntry {
  /** HSA-id, personnummer, `client:<id>` or `system:<name>`. */
  actor: string;
  role: string;
  action: string;
  target: string;
  outcome?: AccessOutcome;
  requestId?: string | null;
  clientAddress?: string | null;
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
    patients.map((patientId) => ({
      ...entry,
      patientId,
      outcome: entry.outcome ?? 'ok',
      requestId: entry.requestId ?? null,
      clientAddress: entry.clientAddress ?? null,
      detail: entry.detail ?? null,
    })),
  );
}

export async function accessLogFor(
  em: EntityManager,
  where: { target?: string; patientId?: string },
): Promise<AuditLog[]> {
  return em.find(AuditLog, where, { orderBy: { id: 'asc' } });
}

/** Has this actor logged this action for this patient in the last `seconds`? (Repeated polls of one page count once.) */
export async function loggedWithin(
  em: EntityManager,
  where: { actor: string; action: string; patientId: string },
  seconds: number,
): Promise<boolean> {
  return (await em.count(AuditLog, { ...where, at: { $gt: new Date(Date.now() - seconds * 1000) } })) > 0;
}
