/**
 * Someone is waiting (issue 27): the alerts of a clinician's worklist, and its small JSON endpoint the
 * page polls. The projection narrows the clinician's encounters to those whose patient came to the
 * waiting room and was not admitted; only those (usually none) are asked of their workflow, which
 * alone knows whether the patient is still there and when they came.
 */
import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import { principalId } from '../auth';
import { logAccess, onRecord } from '../http/audit';
import { HttpError } from '../http/errors';
import { liveState } from '../encounters/service';
import { loggedWithin } from '../../db/access-log';
import { waitingCandidates } from '../../db/waiting-room';
import { titlePrefix, waitingAlert } from '../../domain/waiting-room';

export interface WorklistAlerts {
  /** One per waiting patient: the encounter's id (no patient details) and the banner's sentence. */
  waiting: Array<{ id: string; since: string; dueAt: string | null; text: string }>;
  /** The tab title's prefix, e.g. '(1) Patient väntar', or null. */
  titlePrefix: string | null;
}

/** The logged-in clinician's waiting patients, own booked encounters only. */
export async function worklistAlerts(temporal: Client, req: Request): Promise<WorklistAlerts> {
  const p = req.principal!;
  if (p.kind !== 'staff' || !p.clinicianId)
    throw new HttpError(403, 'Mina möten är för vårdgivare med bokningsbara tider.', undefined, 'forbidden');
  const waiting: WorklistAlerts['waiting'] = [];
  for (const c of await waitingCandidates(req.em, p.clinicianId)) {
    const state = await liveState(temporal, c.workflowId);
    const alert = state && waitingAlert(state);
    if (!alert) continue;
    waiting.push({ id: c.id, ...alert });
    // Watching a waiting patient is an access: logged once a minute per patient, not on every poll.
    const who = { actor: principalId(p), action: 'watch', patientId: c.patientId };
    if (!(await loggedWithin(req.em, who, 60))) await logAccess(req, onRecord('encounter', c, 'watch'));
  }
  return { waiting, titlePrefix: titlePrefix(waiting.length) };
}
