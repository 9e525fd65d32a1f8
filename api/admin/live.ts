/** The encounter page's live state, polled by its script: status, how far the timeline has come, and whether a patient waits unnoticed. */
import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import type { EncounterScope } from '../http/guards';
import { logAccess, onEncounter } from '../http/audit';
import { principalId } from '../auth';
import { liveState } from '../encounters/service';
import { loggedWithin } from '../../db/access-log';
import { statusLabel } from '../../domain/labels';
import { titlePrefix, waitingAlert } from '../../domain/waiting-room';

export async function watchEncounter(temporal: Client, req: Request, { row, principal }: EncounterScope) {
  // Watching one page is one access: logged once a minute, not on every poll.
  if (!(await loggedWithin(req.em, { actor: principalId(principal), action: 'watch', patientId: row.patientId }, 60)))
    await logAccess(req, onEncounter(row, 'watch'));
  const state = await liveState(temporal, row.workflowId);
  const waiting = state ? waitingAlert(state) : null;
  return {
    status: state?.status ?? row.status,
    statusLabel: statusLabel(state?.status ?? row.status),
    events: state?.timeline.length ?? 0,
    waiting: waiting ? [{ id: row.id, ...waiting }] : [],
    titlePrefix: titlePrefix(waiting ? 1 : 0),
  };
}
