/** Deviations (avvikelser): written once per dedupe key, reviewed and closed by the quality lead. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Deviation, DeviationCategory, DeviationSeverity } from './entities';
import { insertIgnore } from './insert';

/** Records a deviation unless one with the same dedupe key exists; returns the stored one's id. */
export async function recordDeviation(
  em: EntityManager,
  d: {
    encounterId: string | null;
    category: DeviationCategory;
    severity: DeviationSeverity;
    description: string;
    dedupeKey: string;
  },
): Promise<string> {
  await insertIgnore(em, Deviation, [{ id: randomUUID(), ...d }]);
  return (await em.findOneOrFail(Deviation, { dedupeKey: d.dedupeKey }, { fields: ['id'] })).id;
}

export async function deviationsOf(em: EntityManager, encounterId: string): Promise<Deviation[]> {
  return em.find(Deviation, { encounterId }, { orderBy: { createdAt: 'asc' } });
}
