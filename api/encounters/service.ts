/** Starting and reading encounters: the workflow first, then the projection row with its access-log row. */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { findCareUnit } from '../../db/care';
import { DEFAULT_REMINDER_POLICY } from '../../domain/reminders';
import { claimIdempotencyKey, insertEncounter } from '../../db/encounters';
import { findPatientIdByPersonnummer, patientExists } from '../../db/people';
import { parsePersonnummer } from '../../domain/personnummer';
import { encounterWorkflow } from '../../workflows/encounter';
import {
  Actor,
  DEFAULT_POLICY,
  EncounterInput,
  EncounterPolicy,
  EncounterState,
  encounterWorkflowId,
  stateQuery,
} from '../../workflows/encounter.messages';
import { DEFAULT_INVOICE_POLICY } from '../../workflows/invoice.messages';
import { HttpError } from '../http/errors';
import type { CreateEncounter } from './schemas';

/** Test-only hooks to crash creation between its steps (test/api/idempotency.int.test.ts). */
export interface CreateFaults {
  beforeWorkflowStart?(): Promise<void>;
  afterWorkflowStart?(): Promise<void>;
}

/**
 * Starts the encounter's workflow, then writes its row and the access-log row in one transaction.
 * A failed start writes nothing; the log is never rolled back after the fact. The workflow's own
 * projection also creates the row, so whichever comes first, the row exists once, and a crash between
 * the two leaves no workflow without its row.
 *
 * With an Idempotency-Key the encounter id is derived from caller and key, so concurrent or retried
 * requests start one workflow (Temporal refuses a second with the same id) and answer with the same
 * encounter (`replayed`); the key used for a different request is refused.
 */
export async function createEncounter(
  em: EntityManager,
  temporal: Client,
  taskQueue: string,
  actor: Actor,
  body: z.infer<typeof CreateEncounter>,
  /** Writes the access-log row inside the same transaction as the encounter row. */
  logCreate: (tx: EntityManager, encounterId: string, patientId: string, replayed: boolean) => Promise<void>,
  opts: { idempotency?: { caller: string; key: string }; faults?: CreateFaults } = {},
): Promise<{ id: string; workflowId: string; replayed: boolean }> {
  let patientId = body.patientId;
  if (!patientId) {
    const normalized = parsePersonnummer(body.personnummer!).normalized;
    patientId = (await findPatientIdByPersonnummer(em, normalized)) ?? undefined;
    if (!patientId) throw new HttpError(404, `no patient with personnummer ${normalized}`, 'personnummer', 'not-found');
  } else if (!(await patientExists(em, patientId))) {
    throw new HttpError(404, `patient ${patientId} not found`, 'patientId', 'not-found');
  }
  const unit = await findCareUnit(em, body.careUnitId);
  if (!unit) throw new HttpError(404, `care unit ${body.careUnitId} not found`, 'careUnitId', 'not-found');

  const policy = policyFrom(body.policy);
  const { idempotency } = opts;
  let id: string = randomUUID();
  if (idempotency) {
    id = uuidFromName(`${idempotency.caller}\n${idempotency.key}`);
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          patientId,
          body.careUnitId,
          body.reason ?? null,
          policy,
          ...(body.invitation ? [body.invitation] : []),
          ...(body.policy?.reminders ? [body.policy.reminders] : []),
        ]),
      )
      .digest('hex');
    const held = await claimIdempotencyKey(em, { ...idempotency, requestHash, encounterId: id });
    if (held.requestHash !== requestHash)
      throw new HttpError(
        422,
        'Idempotency-Key: already used for a different request; use a new key for a new encounter',
        'Idempotency-Key',
        'idempotency-conflict',
      );
  }
  const workflowId = encounterWorkflowId(id);
  // The unit's reminder policy goes into the input (after the idempotency hash: a unit changing its
  // policy does not turn a retried create into a conflict).
  const reminders = { ...DEFAULT_REMINDER_POLICY, ...unit.reminderPolicy, ...body.policy?.reminders };
  const input: EncounterInput = {
    encounterId: id,
    patientId,
    careUnitId: body.careUnitId,
    requestedBy: actor,
    reason: body.reason,
    ...(body.invitation ? { invitation: body.invitation } : {}),
    policy: { ...policy, reminders },
  };
  await opts.faults?.beforeWorkflowStart?.();
  let replayed = false;
  try {
    // A closed encounter's id is never reused either: the key stays bound to that one encounter.
    await temporal.workflow.start(encounterWorkflow, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(idempotency && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    replayed = true;
  }
  await opts.faults?.afterWorkflowStart?.();
  await em.transactional(async (tx) => {
    await insertEncounter(tx, { id, workflowId, patientId, careUnitId: body.careUnitId });
    await logCreate(tx, id, patientId!, replayed);
  });
  return { id, workflowId, replayed };
}

/** A name-based UUID (RFC 9562 version 5, SHA-1) in Vårdmöte's own namespace. */
function uuidFromName(name: string): string {
  const NAMESPACE = Buffer.from('6f1c1d3e8a5b4c2e9d7f0a1b2c3d4e5f', 'hex');
  const h = createHash('sha1').update(NAMESPACE).update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Live state from the workflow (source of truth); null when the workflow cannot be reached. */
export async function liveState(temporal: Client, workflowId: string): Promise<EncounterState | null> {
  try {
    return await temporal.workflow.getHandle(workflowId).query(stateQuery);
  } catch {
    return null;
  }
}

/** The production policy with a test's overrides (allowed only with ALLOW_POLICY_OVERRIDE). */
function policyFrom(overrides: z.infer<typeof CreateEncounter>['policy']): EncounterPolicy {
  const { invoice, reminders: _reminders, ...rest } = overrides ?? {};
  return { ...DEFAULT_POLICY, ...rest, ...(invoice ? { invoice: { ...DEFAULT_INVOICE_POLICY, ...invoice } } : {}) };
}
