/** Access logging (Patientdatalagen): every staff read or change of patient data writes a row. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { writeAccessLog } from '../db/access-log';
import type { Actor } from '../workflows/encounter.messages';

/**
 * Writes one audit row per patient touched.
 * @param em - a request-scoped EntityManager (or the transaction of the change)
 * @param action - 'read' | 'create' | 'update' | …
 * @param target - what was accessed, e.g. 'encounter:<id>'
 */
export async function audit(
  em: EntityManager,
  actor: Actor,
  action: string,
  target: string,
  patientIds: Array<string | null>,
  detail?: Record<string, unknown>,
): Promise<void> {
  if (actor.role === 'patient' || actor.role === 'guardian') return;
  await writeAccessLog(em, { actor: actor.id, role: actor.role, action, target, detail }, patientIds);
}
