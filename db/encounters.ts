/** Encounters and their records: the list projection, eligibility, identity checks and journal notes. */
import { randomUUID } from 'node:crypto';
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import {
  Booking,
  Charge,
  Deviation,
  EligibilityAssessment,
  Encounter,
  IdempotencyKey,
  IdentityCheck,
  JournalNote,
  OutboxMessage,
} from './entities';
import { insertIgnore } from './insert';
import { sql } from './sql';

export interface EncounterRow {
  id: string;
  workflowId: string;
  patientId: string;
  patientName: string;
  personnummer: string;
  careUnitId: string;
  careUnitName: string;
  clinicianId: string | null;
  clinicianName: string | null;
  clinicianTitle: string | null;
  status: string;
  step: string;
  waitingFor: string | null;
  scheduledStart: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

// A read model joined over four tables for pages and the API: plain SQL says it most clearly.
const ROW_SQL = `select e.id, e.workflow_id as "workflowId", e.patient_id as "patientId", p.given_name || ' ' || p.family_name as "patientName",
  p.personnummer, e.care_unit_id as "careUnitId", u.name as "careUnitName", e.clinician_id as "clinicianId",
  c.given_name || ' ' || c.family_name as "clinicianName", c.title as "clinicianTitle", e.status, e.step, e.waiting_for as "waitingFor",
  e.scheduled_start as "scheduledStart", e.created_at as "createdAt", e.updated_at as "updatedAt", e.closed_at as "closedAt"
  from encounter e join patient p on p.id = e.patient_id join care_unit u on u.id = e.care_unit_id left join clinician c on c.id = e.clinician_id`;

export async function getEncounterRow(em: EntityManager, id: string): Promise<EncounterRow | null> {
  const [row] = await sql<EncounterRow>(em, `${ROW_SQL} where e.id = ?`, [id], { prepare: true });
  return row ?? null;
}

export interface EncounterFilter {
  status?: string;
  careUnitId?: string;
  clinicianId?: string;
  patientId?: string;
  /** Only these units / patients (the caller's scope); an empty list matches nothing. */
  careUnitIds?: string[];
  patientIds?: string[];
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
  /** Continue after this row (the cursor of the previous page's last row); the page number then only labels. */
  after?: { at: string; id: string };
  /** Newest first (default) or oldest first; the same indexes serve both, read backwards. */
  sort?: 'newest' | 'oldest';
}

/** Counting stops here: an exact count of a million rows costs more than the page itself. */
export const COUNT_CAP = 10_000;

/**
 * One page of encounters, newest first by scheduled start (or creation). The indexes it leans on are
 * declared on the entity (db/entities/encounter.ts): encounter_list_idx and encounter_clinician_idx.
 */
export async function listEncounters(
  em: EntityManager,
  f: EncounterFilter,
): Promise<{ items: EncounterRow[]; lastCursor: string | null; total: number; totalCapped: boolean }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => (where.push(sql), params.push(v));
  if (f.status) add('e.status = ?', f.status);
  if (f.careUnitId) add('e.care_unit_id = ?', f.careUnitId);
  if (f.clinicianId) add('e.clinician_id = ?', f.clinicianId);
  if (f.patientId) add('e.patient_id = ?', f.patientId);
  const anyOf = (column: string, ids: string[]) => {
    if (ids.length === 0) return void where.push('false');
    // One placeholder for the whole list: the statement's text stays the same, so it is prepared once.
    where.push(`${column} = any(?::uuid[])`);
    params.push(ids);
  };
  if (f.careUnitIds) anyOf('e.care_unit_id', f.careUnitIds);
  if (f.patientIds) anyOf('e.patient_id', f.patientIds);
  if (f.from) add('coalesce(e.scheduled_start, e.created_at) >= ?', f.from);
  if (f.to) add('coalesce(e.scheduled_start, e.created_at) < ?', f.to);
  const filterClause = where.length ? ` where ${where.join(' and ')}` : '';
  const filterParams = [...params];
  const counted = `select count(*) from (select 1 from encounter e${filterClause} limit ${COUNT_CAP + 1}) t`;
  const oldest = f.sort === 'oldest';
  if (f.after) {
    where.push(`(coalesce(e.scheduled_start, e.created_at), e.id) ${oldest ? '>' : '<'} (?::timestamptz, ?::uuid)`);
    params.push(f.after.at, f.after.id);
  }
  const dir = oldest ? 'asc' : 'desc';
  const clause = where.length ? ` where ${where.join(' and ')}` : '';
  // The count rides along as a column (one round trip, not two); a page with no rows asks for it alone.
  const items = await sql<EncounterRow & { at: Date; total: string }>(
    em,
    `${ROW_SQL.replace(' from encounter e', `, coalesce(e.scheduled_start, e.created_at) as at, (${counted}) as total from encounter e`)}${clause}
     order by coalesce(e.scheduled_start, e.created_at) ${dir}, e.id ${dir} limit ? offset ?`,
    [...filterParams, ...params, f.pageSize, f.after ? 0 : (f.page - 1) * f.pageSize],
    { prepare: true },
  );
  const total = items.length ? items[0].total : (await sql<{ count: string }>(em, counted, filterParams))[0].count;
  return {
    items: items.map(({ at: _at, total: _total, ...row }) => row),
    // Only the last row's place is ever needed (the next page's cursor): one encoding, not one per row.
    lastCursor: items.length ? encodeCursor(items.at(-1)!.at, items.at(-1)!.id) : null,
    total: Math.min(Number(total), COUNT_CAP),
    totalCapped: Number(total) > COUNT_CAP,
  };
}

/** A row's place in the list, opaque to callers: base64url of 'instant|id'. */
export const encodeCursor = (at: Date | string, id: string) =>
  Buffer.from(`${new Date(at).toISOString()}|${id}`).toString('base64url');
export function decodeCursor(cursor: string): { at: string; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) return null;
  return { at, id };
}

/** How many encounters are in each status, optionally scheduled in [from, to) and within units (the overview). */
export async function countEncountersByStatus(
  em: EntityManager,
  f: { careUnitIds?: string[] | null; from?: Date; to?: Date } = {},
): Promise<Map<string, number>> {
  const qb = em
    .createQueryBuilder(Encounter)
    .select(['status', raw('count(*) as n')])
    .groupBy('status');
  if (f.careUnitIds) qb.andWhere({ careUnitId: { $in: f.careUnitIds.length ? f.careUnitIds : [NO_UNIT] } });
  if (f.from) qb.andWhere({ scheduledStart: { $gte: f.from } });
  if (f.to) qb.andWhere({ scheduledStart: { $lt: f.to } });
  const rows = await qb.execute<Array<{ status: string; n: string }>>();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** Matches no unit: an empty scope must count nothing. */
const NO_UNIT = '00000000-0000-0000-0000-000000000000';

/** How many encounters there are, leaving out those with the ids given. */
export async function countEncounters(em: EntityManager, except: string[] = []): Promise<number> {
  return em.count(Encounter, except.length ? { id: { $nin: except } } : {});
}

/** The newest encounter of a patient in pre-meeting or video whose start is within `minutes` of now. */
export async function findMeetingAround(em: EntityManager, patientId: string, minutes: number): Promise<string | null> {
  const now = Date.now();
  const e = await em.findOne(
    Encounter,
    {
      patientId,
      status: { $in: ['pre-meeting', 'video'] },
      scheduledStart: { $gte: new Date(now - minutes * 60_000), $lte: new Date(now + minutes * 60_000) },
    },
    { orderBy: { createdAt: 'desc' }, fields: ['id'] },
  );
  return e?.id ?? null;
}

/**
 * The encounter's row as it is created: who and where, in the workflow's first status. Written once
 * (a second call is a no-op); every later column value comes from `projectEncounter`.
 */
export async function insertEncounter(
  em: EntityManager,
  /** `createdAt` only for history written after the fact (the demo's); else the database's now. */
  row: { id: string; workflowId: string; patientId: string; careUnitId: string; createdAt?: Date },
): Promise<void> {
  await insertIgnore(em, Encounter, [{ ...row, status: 'requested', step: 'requested' }]);
}

export interface EncounterProjection {
  encounterId: string;
  workflowId: string;
  patientId: string;
  careUnitId: string;
  status: string;
  step: string;
  waitingFor: string | null;
  outcome: string | null;
  clinicianId: string | null;
  slotId: string | null;
  scheduledStart: string | null;
  closedAt: string | null;
  /** Workflow history length: an older projection never overwrites a newer one. */
  version: number;
}

/**
 * The one writer of the encounter's state columns. Inserts the row if the API has not yet, so the
 * order of the two never matters.
 */
export async function projectEncounter(em: EntityManager, p: EncounterProjection): Promise<void> {
  // An upsert guarded by the version: one statement, so two projections racing cannot interleave.
  await em.execute(
    `insert into encounter (id, workflow_id, patient_id, care_unit_id, status, step, waiting_for, outcome, clinician_id, slot_id, scheduled_start, closed_at, version)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (id) do update set status = excluded.status, step = excluded.step, waiting_for = excluded.waiting_for, outcome = excluded.outcome,
       clinician_id = coalesce(excluded.clinician_id, encounter.clinician_id), slot_id = coalesce(excluded.slot_id, encounter.slot_id),
       scheduled_start = coalesce(excluded.scheduled_start, encounter.scheduled_start), updated_at = now(), closed_at = excluded.closed_at, version = excluded.version
     where encounter.version < excluded.version`,
    [
      p.encounterId,
      p.workflowId,
      p.patientId,
      p.careUnitId,
      p.status,
      p.step,
      p.waitingFor,
      p.outcome,
      p.clinicianId,
      p.slotId,
      p.scheduledStart,
      p.closedAt,
      p.version,
    ],
  );
}

/**
 * Stores the workflow's whole state with its version (a late projection never overwrites a newer one)
 * and tells listening web processes, whose live pages then push it (`encounter_state` channel).
 */
export async function projectEncounterState(
  em: EntityManager,
  p: { encounterId: string; state: unknown; version: number },
): Promise<void> {
  await em.execute(
    `with written as (
       insert into encounter_state (encounter_id, state, version) values (?, ?::jsonb, ?)
       on conflict (encounter_id) do update set state = excluded.state, version = excluded.version, updated_at = now()
       where encounter_state.version < excluded.version
       returning encounter_id)
     select pg_notify('encounter_state', encounter_id::text) from written`,
    [p.encounterId, JSON.stringify(p.state), p.version],
  );
}

/** The state the last projection wrote, or null (an encounter not projected since issue 29). */
export async function findEncounterState<T>(em: EntityManager, encounterId: string): Promise<T | null> {
  const [row] = await sql<{ state: T }>(em, 'select state from encounter_state where encounter_id = ?', [encounterId], {
    prepare: true,
  });
  return row?.state ?? null;
}

export async function findEncounter(em: EntityManager, id: string): Promise<Encounter | null> {
  return em.findOne(Encounter, { id });
}

export async function findEncounterPatientId(em: EntityManager, encounterId: string): Promise<string | null> {
  const e = await em.findOne(Encounter, { id: encounterId }, { fields: ['patientId'] });
  return e?.patientId ?? null;
}

/** Stores the clinician's four answers. Idempotent per encounter. */
export async function recordEligibility(
  em: EntityManager,
  a: Omit<EligibilityAssessment, 'assessedAt'> & { assessedAt?: Date },
): Promise<void> {
  await insertIgnore(em, EligibilityAssessment, [a]);
}

export async function findIdentityCheck(em: EntityManager, encounterId: string): Promise<IdentityCheck | null> {
  return em.findOne(IdentityCheck, { encounterId });
}

/** Records the e-ID outcome once; a second call keeps the first. */
export async function recordIdentityCheck(
  em: EntityManager,
  c: Omit<IdentityCheck, 'checkedAt'> & { checkedAt?: Date },
): Promise<void> {
  await insertIgnore(em, IdentityCheck, [c]);
}

/** Writes the journal note once per encounter and returns its id (the first note's on a retry); null when the encounter does not exist. */
export async function writeJournalNote(
  em: EntityManager,
  n: { encounterId: string; authorId: string; authorName?: string; text: string; contactDate: string; signedAt?: Date },
): Promise<string | null> {
  const patientId = await findEncounterPatientId(em, n.encounterId);
  if (!patientId) return null;
  await insertIgnore(em, JournalNote, [
    {
      id: randomUUID(),
      encounterId: n.encounterId,
      patientId,
      authorId: n.authorId,
      authorName: n.authorName ?? null,
      contactDate: n.contactDate,
      text: n.text,
      ...(n.signedAt ? { signedAt: n.signedAt } : {}),
    },
  ]);
  const note = await em.findOneOrFail(JournalNote, { encounterId: n.encounterId }, { fields: ['id'] });
  return note.id;
}

export async function findJournalNote(em: EntityManager, encounterId: string): Promise<JournalNote | null> {
  return em.findOne(JournalNote, { encounterId });
}

/**
 * A clinician's work list: their booked encounters still to meet or document, and the encounters of
 * their units that wait for the eligibility questions; soonest first.
 */
export async function clinicianWorklist(
  em: EntityManager,
  clinicianId: string,
  unitIds: string[],
): Promise<EncounterRow[]> {
  const units = unitIds.length ? unitIds : ['00000000-0000-0000-0000-000000000000'];
  return em.execute<EncounterRow[]>(
    `${ROW_SQL} where (e.clinician_id = ? and e.status in ('pre-meeting', 'video', 'documentation', 'journal'))
       or (e.status = 'eligibility' and e.care_unit_id in (${units.map(() => '?').join(', ')}))
     order by coalesce(e.scheduled_start, e.created_at), e.id limit 200`,
    [clinicianId, ...units],
  );
}

/**
 * Claims a caller's Idempotency-Key for a request (by its hash); returns the row that holds the key,
 * which is this request's unless an earlier one used it first.
 */
export async function claimIdempotencyKey(
  em: EntityManager,
  row: { caller: string; key: string; requestHash: string; encounterId: string },
): Promise<{ requestHash: string; encounterId: string }> {
  await insertIgnore(em, IdempotencyKey, [row]);
  return em.findOneOrFail(
    IdempotencyKey,
    { caller: row.caller, key: row.key },
    { fields: ['requestHash', 'encounterId'], disableIdentityMap: true },
  );
}

/**
 * What one encounter has left behind, by kind: charges, journal notes, live bookings, deviations and
 * invitations sent. Retries and crashes must leave each exactly once (the fault tests read this).
 */
export async function encounterFootprint(em: EntityManager, encounterId: string) {
  return {
    charges: await em.count(Charge, { encounterId }),
    notes: await em.count(JournalNote, { encounterId }),
    liveBookings: await em.count(Booking, { encounterId, releasedAt: null }),
    deviations: await em.count(Deviation, { encounterId }),
    invitations: await em.count(OutboxMessage, { encounterId, subject: { $like: 'Kallelse%' } }),
  };
}
