/** Access logging (Patientdatalagen): every staff read or change of patient data writes a row. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../workflows/encounter.messages';

/**
 * Writes one audit row per patient touched.
 * @param em - a request-scoped EntityManager (or transaction)
 * @param action - 'read' | 'create' | 'update' | …
 * @param target - what was accessed, e.g. 'encounter:<id>'
 */
export async function audit(em: EntityManager, actor: Actor, action: string, target: string, patientIds: Array<string | null>, detail?: Record<string, unknown>): Promise<void> {
  if (actor.role === 'patient' || actor.role === 'guardian') return;
  const rows = patientIds.length ? patientIds : [null];
  const values = rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
  const params = rows.flatMap((p) => [actor.id, actor.role, p, action, target, detail ? JSON.stringify(detail) : null]);
  await em.execute(`insert into audit_log (actor, role, patient_id, action, target, detail) values ${values}`, params);
}
