/** Deviations (avvikelser): written once per dedupe key, reviewed and closed by the quality lead. */
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { Deviation, DeviationCategory, DeviationEvent, DeviationSeverity, DeviationStatus } from './entities';
import { insertIgnore } from './insert';

/** Records a deviation unless one with the same dedupe key exists; returns the stored one's id. */
export async function recordDeviation(
  em: EntityManager,
  d: {
    encounterId: string | null;
    threadId?: string | null;
    category: DeviationCategory;
    severity: DeviationSeverity;
    description: string;
    dedupeKey: string;
    /** Only for history written after the fact (the demo's); else the database's now. */
    createdAt?: Date;
  },
): Promise<string> {
  const at = d.createdAt ? { updatedAt: d.createdAt } : {};
  await insertIgnore(em, Deviation, [{ id: randomUUID(), ...d, ...at }]);
  return (await em.findOneOrFail(Deviation, { dedupeKey: d.dedupeKey }, { fields: ['id'] })).id;
}

/** What a barrier report from the accessibility statement's form holds (domain/accessibility.ts checked it). */
export interface BarrierReport {
  description: string;
  page: string | null;
  contact: string | null;
  /** The form's own key: the same form sent twice with the same text is one report. */
  key: string;
}

/**
 * Records a reported accessibility barrier as a deviation of the site: no encounter, no thread, so no
 * unit (only a quality lead for every unit sees it). Returns the id and whether this call wrote it.
 */
export async function recordBarrierReport(
  em: EntityManager,
  r: BarrierReport,
): Promise<{ id: string; created: boolean }> {
  // The key and the content together: a double submit is one report, but a form reused (the back button) with
  // new text is a new one, never silently dropped.
  const content = createHash('sha256')
    .update(JSON.stringify([r.description, r.page, r.contact]))
    .digest('hex');
  const dedupeKey = `accessibility-barrier:${r.key}:${content}`;
  const written = await insertIgnore(em, Deviation, [
    {
      id: randomUUID(),
      encounterId: null,
      threadId: null,
      category: 'accessibility-barrier',
      severity: 'medium',
      description: r.description,
      page: r.page,
      reporterContact: r.contact,
      dedupeKey,
    },
  ]);
  const { id } = await em.findOneOrFail(Deviation, { dedupeKey }, { fields: ['id'] });
  return { id, created: written === 1 };
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
  /** When it was done: now, or a time of the demo's history. */
  at = new Date(),
): Promise<void> {
  await em.transactional(async (tx) => {
    const d = await tx.findOneOrFail(Deviation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const from = d.status;
    d.status = change.toStatus;
    d.updatedAt = at;
    if (change.action) d.action = change.action;
    if (change.toStatus === 'closed') d.closedAt = at;
    tx.persist(d);
    await tx.flush();
    await tx.insert(DeviationEvent, {
      deviationId: id,
      at,
      actor: by.actor,
      actorName: by.actorName,
      fromStatus: from,
      toStatus: change.toStatus,
      note: change.note ?? change.action ?? null,
    });
  });
}

export interface DeviationRow {
  id: string;
  encounterId: string | null;
  category: DeviationCategory;
  severity: DeviationSeverity;
  status: DeviationStatus;
  description: string;
  action: string | null;
  createdAt: string;
  closedAt: string | null;
  careUnitId: string | null;
  careUnitName: string | null;
  patientId: string | null;
  threadId: string | null;
  /** A barrier report's page and the reporter's contact (null for every other category). */
  page: string | null;
  reporterContact: string | null;
}

export interface DeviationFilter {
  category?: DeviationCategory;
  severity?: DeviationSeverity;
  status?: DeviationStatus;
  careUnitId?: string;
  /** Only these units (the caller's scope); null: all. */
  careUnitIds?: string[] | null;
  /** Created from (inclusive) / before (exclusive), instants. */
  from?: string;
  to?: string;
  limit: number;
}

/** A deviation belongs to its encounter's unit or its message thread's. */
const UNIT = 'coalesce(e.care_unit_id, t.care_unit_id)';

// A read model across four tables, as the encounter list's: plain SQL reads clearest.
const DEVIATION_SQL = `select d.id, d.encounter_id as "encounterId", d.category, d.severity, d.status, d.description,
  d.action, d.created_at as "createdAt", d.closed_at as "closedAt", ${UNIT} as "careUnitId",
  u.name as "careUnitName", coalesce(e.patient_id, t.patient_id) as "patientId", d.thread_id as "threadId",
  d.page, d.reporter_contact as "reporterContact"
  from deviation d left join encounter e on e.id = d.encounter_id left join message_thread t on t.id = d.thread_id
  left join care_unit u on u.id = ${UNIT}`;

/** Deviations newest first, with their encounter's unit: the quality lead's list and the CSV export. */
export async function listDeviations(em: EntityManager, f: DeviationFilter): Promise<DeviationRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...v: unknown[]) => (where.push(sql), params.push(...v));
  if (f.category) add('d.category = ?', f.category);
  if (f.severity) add('d.severity = ?', f.severity);
  if (f.status) add('d.status = ?', f.status);
  if (f.careUnitId) add(`${UNIT} = ?`, f.careUnitId);
  if (f.careUnitIds?.length === 0) add('false');
  else if (f.careUnitIds) add(`${UNIT} in (${f.careUnitIds.map(() => '?').join(', ')})`, ...f.careUnitIds);
  if (f.from) add('d.created_at >= ?', f.from);
  if (f.to) add('d.created_at < ?', f.to);
  const clause = where.length ? ` where ${where.join(' and ')}` : '';
  return em.execute<DeviationRow[]>(`${DEVIATION_SQL}${clause} order by d.created_at desc, d.id limit ?`, [
    ...params,
    f.limit,
  ]);
}

export async function findDeviation(em: EntityManager, id: string): Promise<DeviationRow | null> {
  const [row] = await em.execute<DeviationRow[]>(`${DEVIATION_SQL} where d.id = ?`, [id]);
  return row ?? null;
}

export async function deviationHistory(em: EntityManager, deviationId: string): Promise<DeviationEvent[]> {
  return em.find(DeviationEvent, { deviationId }, { orderBy: { id: 'asc' } });
}

/** Open deviations (new or under review) per category, within units (null: all). */
export async function countOpenDeviations(
  em: EntityManager,
  careUnitIds: string[] | null,
): Promise<Map<string, number>> {
  const scope = careUnitIds ? ` and ${UNIT} in (${careUnitIds.map(() => '?').join(', ') || 'null'})` : '';
  const rows = await em.execute<Array<{ category: string; n: string }>>(
    `select d.category, count(*) as n from deviation d left join encounter e on e.id = d.encounter_id
     left join message_thread t on t.id = d.thread_id where d.status <> 'closed'${scope} group by d.category`,
    careUnitIds ?? [],
  );
  return new Map(rows.map((r) => [r.category, Number(r.n)]));
}
