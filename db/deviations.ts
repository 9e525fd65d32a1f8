/** Deviations (avvikelser): written once per dedupe key, reviewed and closed by the quality lead. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { Deviation, DeviationCategory, DeviationEvent, DeviationSeverity, DeviationStatus } from './entities';
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

/** The encounter's deviation of one category (e.g. its no-show), or null. */
export async function findDeviationOf(
  em: EntityManager,
  encounterId: string,
  category: DeviationCategory,
): Promise<Deviation | null> {
  return em.findOne(Deviation, { encounterId, category }, { orderBy: { createdAt: 'asc' } });
}

/**
 * Moves a deviation to a new status (or adds a note at the same status) and records who did it.
 * Closing needs the action taken (the table's check refuses a closed deviation without one).
 */
export async function reviewDeviation(
  em: EntityManager,
  id: string,
  by: { actor: string; actorName: string },
  change: { toStatus: DeviationStatus; note?: string | null; action?: string | null },
): Promise<void> {
  await em.transactional(async (tx) => {
    const d = await tx.findOneOrFail(Deviation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const from = d.status;
    d.status = change.toStatus;
    d.updatedAt = new Date();
    if (change.action) d.action = change.action;
    if (change.toStatus === 'closed') d.closedAt = new Date();
    tx.persist(d);
    await tx.flush();
    await tx.insert(DeviationEvent, {
      deviationId: id,
      actor: by.actor,
      actorName: by.actorName,
      fromStatus: from,
      toStatus: change.toStatus,
      note: change.note ?? change.action ?? null,
    });
  });
}
