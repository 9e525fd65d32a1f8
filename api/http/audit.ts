/** Access logging (Patientdatalagen): every read or change of patient data, by anyone, writes a row. */
import type { Request } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { unitOfTarget, writeAccessLog } from '../../db/access-log';
import type { AccessOutcome } from '../../db/entities';
import { principalId } from '../auth';

export interface AccessEvent {
  action: string;
  /** What was touched, e.g. 'encounter:<id>'. */
  target: string;
  /** The patients touched; for a list over several units, each with the unit it was shown from. */
  patientIds?: Array<string | null | { patientId: string; careUnitId: string | null }>;
  /** The unit whose data it is (default: the unit of the target's encounter, thread or invoice). */
  careUnitId?: string | null;
  outcome?: AccessOutcome;
  detail?: Record<string, unknown>;
}

type Owned = { id: string; patientId: string | null; careUnitId: string | null };
type More = Pick<AccessEvent, 'outcome' | 'detail'>;

/** An access to one record (an invoice, a thread, a deviation …) with its patient and unit, so the row needs no lookup. */
export const onRecord = (kind: string, row: Owned, action: string, more: More = {}): AccessEvent => ({
  action,
  target: `${kind}:${row.id}`,
  patientIds: [row.patientId],
  careUnitId: row.careUnitId,
  ...more,
});
/** An access to one encounter's data. */
export const onEncounter = (row: Owned, action: string, more: More = {}) => onRecord('encounter', row, action, more);

/** Each patient a list showed, once per unit it was shown from (a quality lead follows up their unit's rows). */
export const shownPatients = (items: Array<{ patientId: string | null; careUnitId: string | null }>) => [
  ...new Map(
    items
      .filter((i): i is { patientId: string; careUnitId: string | null } => i.patientId !== null)
      .map((i) => [`${i.patientId}:${i.careUnitId}`, { patientId: i.patientId, careUnitId: i.careUnitId }]),
  ).values(),
];

/**
 * Writes the caller's access: who (HSA-id, personnummer or client), as what, which patients, the
 * outcome, this request's id and the client's address.
 * @param em - the transaction of the change being logged, so both commit together (default: the request's)
 */
export async function logAccess(req: Request, e: AccessEvent, em: EntityManager = req.em): Promise<void> {
  const p = req.principal;
  const role = !p
    ? 'anonymous'
    : p.kind === 'staff'
      ? p.grants
          .map((g) => g.role)
          .filter((r, i, a) => a.indexOf(r) === i)
          .join(',')
      : p.kind === 'person'
        ? 'patient'
        : 'machine';
  const careUnitId = e.careUnitId !== undefined ? e.careUnitId : await unitOfTarget(em, e.target);
  await writeAccessLog(
    em,
    {
      actor: p ? principalId(p) : 'anonymous',
      role,
      action: e.action,
      target: e.target,
      outcome: e.outcome ?? 'ok',
      requestId: req.id ?? null,
      clientAddress: req.ip ?? null,
      detail: e.detail,
    },
    e.patientIds ?? [],
    careUnitId,
  );
}
