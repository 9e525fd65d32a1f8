/** Starting and reading encounters: the projection row and the workflow are created together. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { parsePersonnummer } from '../../domain/personnummer';
import { Actor, DEFAULT_POLICY, EncounterInput, EncounterState, encounterWorkflowId, stateQuery } from '../../workflows/encounter.messages';
import { HttpError } from '../errors';
import { audit } from '../audit';
import type { CreateEncounter } from './schemas';

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

const ROW_SQL = `select e.id, e.workflow_id as "workflowId", e.patient_id as "patientId", p.given_name || ' ' || p.family_name as "patientName",
  p.personnummer, e.care_unit_id as "careUnitId", u.name as "careUnitName", e.clinician_id as "clinicianId",
  c.given_name || ' ' || c.family_name as "clinicianName", c.title as "clinicianTitle", e.status, e.step, e.waiting_for as "waitingFor",
  e.scheduled_start as "scheduledStart", e.created_at as "createdAt", e.updated_at as "updatedAt", e.closed_at as "closedAt"
  from encounter e join patient p on p.id = e.patient_id join care_unit u on u.id = e.care_unit_id left join clinician c on c.id = e.clinician_id`;

/**
 * Creates the projection row, then starts the workflow; if the start fails the row is removed,
 * so nothing half-written is left.
 */
export async function createEncounter(em: EntityManager, temporal: Client, taskQueue: string, actor: Actor, body: z.infer<typeof CreateEncounter>): Promise<{ id: string; workflowId: string }> {
  let patientId = body.patientId;
  if (!patientId) {
    const normalized = parsePersonnummer(body.personnummer!).normalized;
    const [p] = await em.execute<Array<{ id: string }>>('select id from patient where personnummer = ?', [normalized]);
    if (!p) throw new HttpError(404, `no patient with personnummer ${normalized}`, 'personnummer', 'not-found');
    patientId = p.id;
  }
  const [found] = await em.execute<Array<{ patient: boolean; unit: boolean }>>(
    'select exists(select 1 from patient where id = ?) as patient, exists(select 1 from care_unit where id = ?) as unit',
    [patientId, body.careUnitId],
  );
  if (!found.patient) throw new HttpError(404, `patient ${patientId} not found`, 'patientId', 'not-found');
  if (!found.unit) throw new HttpError(404, `care unit ${body.careUnitId} not found`, 'careUnitId', 'not-found');

  const id = randomUUID();
  const workflowId = encounterWorkflowId(id);
  await em.transactional(async (tx) => {
    await tx.execute(`insert into encounter (id, workflow_id, patient_id, care_unit_id, status, step) values (?, ?, ?, ?, 'requested', 'requested')`, [id, workflowId, patientId, body.careUnitId]);
    await audit(tx, actor, 'create', `encounter:${id}`, [patientId!]);
  });
  const input: EncounterInput = { encounterId: id, patientId: patientId!, careUnitId: body.careUnitId, requestedBy: actor, reason: body.reason, policy: { ...DEFAULT_POLICY, ...body.policy } };
  try {
    await temporal.workflow.start('encounterWorkflow', { workflowId, taskQueue, args: [input] });
  } catch (err) {
    await em.execute('delete from audit_log where target = ?', [`encounter:${id}`]);
    await em.execute('delete from encounter where id = ?', [id]);
    throw err;
  }
  return { id, workflowId };
}

export async function getEncounterRow(em: EntityManager, id: string): Promise<EncounterRow | null> {
  const [row] = await em.execute<EncounterRow[]>(`${ROW_SQL} where e.id = ?`, [id]);
  return row ?? null;
}

export async function listEncounters(
  em: EntityManager,
  f: { status?: string; careUnitId?: string; clinicianId?: string; patientId?: string; from?: string; to?: string; page: number; pageSize: number },
): Promise<{ items: EncounterRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => (where.push(sql), params.push(v));
  if (f.status) add('e.status = ?', f.status);
  if (f.careUnitId) add('e.care_unit_id = ?', f.careUnitId);
  if (f.clinicianId) add('e.clinician_id = ?', f.clinicianId);
  if (f.patientId) add('e.patient_id = ?', f.patientId);
  if (f.from) add('coalesce(e.scheduled_start, e.created_at) >= ?', f.from);
  if (f.to) add('coalesce(e.scheduled_start, e.created_at) < ?', f.to);
  const clause = where.length ? ` where ${where.join(' and ')}` : '';
  const [{ total }] = await em.execute<Array<{ total: string }>>(`select count(*) as total from encounter e${clause}`, params);
  const items = await em.execute<EncounterRow[]>(`${ROW_SQL}${clause} order by coalesce(e.scheduled_start, e.created_at) desc, e.id limit ? offset ?`, [
    ...params,
    f.pageSize,
    (f.page - 1) * f.pageSize,
  ]);
  return { items, total: Number(total) };
}

/** Live state from the workflow (source of truth); null when the workflow cannot be reached. */
export async function liveState(temporal: Client, workflowId: string): Promise<EncounterState | null> {
  try {
    return await temporal.workflow.getHandle(workflowId).query(stateQuery);
  } catch {
    return null;
  }
}
