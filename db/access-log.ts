/** The access log (Patientdatalagen): rows are only ever added, never changed or removed. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessOutcome, AuditLog } from './entities';
import { sql } from './sql';

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
  patients: Array<string | null | { patientId: string | null; careUnitId: string | null }>,
  careUnitId: string | null = null,
): Promise<void> {
  const rows = (patients.length ? patients : [null]).map((x) =>
    x !== null && typeof x === 'object' ? x : { patientId: x, careUnitId },
  );
  // Plain SQL (db/sql.ts): this row is written on every read of patient data, the API's hottest path.
  // One text for any number of rows (the patients and units as two arrays), so it is prepared once.
  await sql(
    em,
    `insert into audit_log (actor, role, patient_id, care_unit_id, action, target, detail, outcome, request_id, client_address)
     select ?, ?, r.patient_id, r.care_unit_id, ?, ?, ?::jsonb, ?, ?, ? from unnest(?::uuid[], ?::uuid[]) as r(patient_id, care_unit_id)`,
    [
      entry.actor,
      entry.role,
      entry.action,
      entry.target,
      entry.detail ? JSON.stringify(entry.detail) : null,
      entry.outcome ?? 'ok',
      entry.requestId ?? null,
      entry.clientAddress ?? null,
      rows.map((r) => r.patientId),
      rows.map((r) => r.careUnitId),
    ],
    { prepare: true },
  );
}

const OWNERS: Record<string, string> = { encounter: 'encounter', thread: 'message_thread', invoice: 'invoice' };

/** The unit of an 'encounter:<id>', 'thread:<id>' or 'invoice:<id>' target; null for anything else. */
export async function unitOfTarget(em: EntityManager, target: string): Promise<string | null> {
  const [kind, id] = target.split(':');
  if (!Object.hasOwn(OWNERS, kind) || !/^[0-9a-f-]{36}$/.test(id ?? '')) return null;
  const [row] = await em.execute<Array<{ unit: string }>>(
    `select care_unit_id as unit from ${OWNERS[kind]} where id = ?`,
    [id],
  );
  return row?.unit ?? null;
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

/**
 * Since `from`: logins, and accesses refused, in rows about no patient (what a technical role may
 * read; the overview's counts). The patient index serves both: patient_id null, by time.
 */
export async function countTechnicalAccess(
  em: EntityManager,
  from: Date,
): Promise<{ logins: number; refused: number }> {
  const since = { patientId: null, at: { $gte: from } };
  return {
    logins: await em.count(AuditLog, { ...since, action: 'login' }),
    refused: await em.count(AuditLog, { ...since, outcome: { $ne: 'ok' } }),
  };
}

export interface AccessRow {
  id: string;
  at: string;
  actor: string;
  actorName: string | null;
  role: string;
  action: string;
  target: string;
  outcome: string;
  patientId: string | null;
  patientName: string | null;
  personnummer: string | null;
  requestId: string | null;
  clientAddress: string | null;
  unitName: string | null;
}

/**
 * Whose rows a reader sees: units (null: every unit), or only rows about no patient (a technical
 * role such as sysadmin reads the log of logins and decodes, not of patient data).
 */
export type LogScope = { units: string[] | null } | { noPatients: true };

// Who (staff names by HSA-id) and whom (patients): a read model over three tables, in SQL.
const ACCESS_SQL = `select a.id, a.at, a.actor, s.given_name || ' ' || s.family_name as "actorName", a.role, a.action, a.target,
  a.outcome, a.patient_id as "patientId", p.given_name || ' ' || p.family_name as "patientName", p.personnummer,
  a.request_id as "requestId", a.client_address as "clientAddress", u.name as "unitName"
  from audit_log a left join staff s on s.hsa_id = a.actor left join patient p on p.id = a.patient_id
  left join care_unit u on u.id = a.care_unit_id`;

function scopeClause(scope: LogScope, add: (sql: string, v?: unknown) => void) {
  if ('noPatients' in scope) add('a.patient_id is null');
  else if (scope.units?.length) add('a.care_unit_id in (?)', scope.units);
  else if (scope.units) add('false');
}

/** Access-log rows by patient, by actor (HSA-id or personnummer) and period, newest first. */
export async function searchAccessLog(
  em: EntityManager,
  f: { patientId?: string; actor?: string; from?: string; to?: string; limit: number; scope: LogScope },
): Promise<AccessRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v?: unknown) => {
    where.push(sql);
    if (v !== undefined) params.push(v);
  };
  scopeClause(f.scope, add);
  if (f.patientId) add('a.patient_id = ?', f.patientId);
  if (f.actor) add('a.actor = ?', f.actor);
  if (f.from) add('a.at >= ?', f.from);
  if (f.to) add('a.at < ?', f.to);
  const clause = where.length ? ` where ${where.join(' and ')}` : '';
  return em.execute<AccessRow[]>(`${ACCESS_SQL}${clause} order by a.at desc, a.id desc limit ?`, [...params, f.limit]);
}

/** A random sample of accesses to patient data in a period, for systematic log follow-up (HSLF-FS 2016:40). */
export async function sampleAccessLog(
  em: EntityManager,
  f: { from: string; to: string; n: number; units: string[] | null },
): Promise<AccessRow[]> {
  // The driver expands an array bound to one '?' into a list.
  const unit = !f.units ? '' : f.units.length ? ' and a.care_unit_id in (?)' : ' and false';
  return em.execute<AccessRow[]>(
    `${ACCESS_SQL} where a.patient_id is not null and a.at >= ? and a.at < ?${unit} order by random() limit ?`,
    [f.from, f.to, ...(f.units?.length ? [f.units] : []), f.n],
  );
}
