/** Starting and reading encounters: the workflow first, then the projection row with its access-log row. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { careUnitExists } from '../../db/care';
import { insertEncounter } from '../../db/encounters';
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
import { HttpError } from '../errors';
import type { CreateEncounter } from './schemas';

/**
 * Starts the encounter's workflow, then writes its row and the access-log row in one transaction.
 * A failed start writes nothing; the log is never rolled back after the fact. The workflow's own
 * projection also creates the row, so whichever comes first, the row exists once.
 */
export async function createEncounter(
  em: EntityManager,
  temporal: Client,
  taskQueue: string,
  actor: Actor,
  body: z.infer<typeof CreateEncounter>,
  /** Writes the access-log row inside the same transaction as the encounter row. */
  logCreate: (tx: EntityManager, encounterId: string, patientId: string) => Promise<void>,
): Promise<{ id: string; workflowId: string }> {
  let patientId = body.patientId;
  if (!patientId) {
    const normalized = parsePersonnummer(body.personnummer!).normalized;
    patientId = (await findPatientIdByPersonnummer(em, normalized)) ?? undefined;
    if (!patientId) throw new HttpError(404, `no patient with personnummer ${normalized}`, 'personnummer', 'not-found');
  } else if (!(await patientExists(em, patientId))) {
    throw new HttpError(404, `patient ${patientId} not found`, 'patientId', 'not-found');
  }
  if (!(await careUnitExists(em, body.careUnitId)))
    throw new HttpError(404, `care unit ${body.careUnitId} not found`, 'careUnitId', 'not-found');

  const id = randomUUID();
  const workflowId = encounterWorkflowId(id);
  const input: EncounterInput = {
    encounterId: id,
    patientId,
    careUnitId: body.careUnitId,
    requestedBy: actor,
    reason: body.reason,
    policy: policyFrom(body.policy),
  };
  await temporal.workflow.start(encounterWorkflow, { workflowId, taskQueue, args: [input] });
  await em.transactional(async (tx) => {
    await insertEncounter(tx, { id, workflowId, patientId, careUnitId: body.careUnitId });
    await logCreate(tx, id, patientId!);
  });
  return { id, workflowId };
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
  const { invoice, ...rest } = overrides ?? {};
  return { ...DEFAULT_POLICY, ...rest, ...(invoice ? { invoice: { ...DEFAULT_INVOICE_POLICY, ...invoice } } : {}) };
}
