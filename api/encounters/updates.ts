/** Runs a workflow update on an encounter as the caller the guard decided; the access log says how it went. */
import type { Request } from 'express';
import type { Client, UpdateDefinition } from '@temporalio/client';
import type * as m from '../../workflows/encounter.messages';
import type { EncounterScope } from '../http/guards';
import { logAccess, onEncounter } from '../http/audit';
import { toHttp } from '../http/errors';
import { publicState } from '../../domain/participants';

/**
 * Executes `def` with `arg` (plus the actor) and returns the new state; a refusal or failure is logged
 * with its status and rethrown for the one error handler (or the page that shows it in Swedish).
 * @param action - the access log's action (default `update:<name>`)
 */
export async function runUpdate<A>(
  temporal: Client,
  req: Request,
  { row, actor }: EncounterScope,
  def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
  arg: A,
  action = `update:${def.name}`,
): Promise<m.EncounterState> {
  const at = onEncounter(row, action);
  try {
    const state = await temporal.workflow.getHandle(row.workflowId).executeUpdate(def, { args: [{ ...arg, actor }] });
    await logAccess(req, at);
    // Participants' personnummer and code addresses never go back to a caller (issue 26).
    return publicState(state);
  } catch (err) {
    const { status, body } = toHttp(err);
    await logAccess(req, { ...at, outcome: status < 500 ? 'refused' : 'error', detail: { status, error: body.error } });
    throw err;
  }
}
