/**
 * Entering through a participant's link (issue 26): the interpreter or relative with the e-ID of the
 * invited personnummer (patient IdP), the colleague as a clinician of the invited unit (staff IdP), the
 * interpreter without Swedish e-ID with its one-time code. Anyone else is refused in Swedish, and a
 * deviation is recorded once per person and link.
 */
import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import { principalId } from '../auth';
import { holdsIn } from '../http/access';
import type { EncounterRow } from '../../db/encounters';
import { recordDeviation } from '../../db/deviations';
import { liveState } from '../encounters/service';
import { encounterWorkflowId } from '../../workflows/encounter.messages';
import {
  PARTICIPANT_KIND_LABELS_SV,
  PARTICIPANT_LINK_REFUSALS,
  type Participant,
  type ParticipantLinkRefusal,
} from '../../domain/participants';
import type { Verdict } from './entry';

export const PARTICIPANT_REFUSALS = PARTICIPANT_LINK_REFUSALS;

/** The participant a link is for, as the encounter workflow has it now; null when gone or unknown. */
export async function participantOf(
  req: Request,
  temporal: Client,
  encounterId: string,
  participantId: string | null,
): Promise<Participant | null> {
  if (!participantId) return null;
  const state = await liveState(temporal, encounterWorkflowId(encounterId));
  return state?.participants?.find((p) => p.id === participantId) ?? null;
}

/** Identity by the participant's own method; who it was is never echoed back (no personnummer in answers). */
export async function mayEnterAsParticipant(
  req: Request,
  row: EncounterRow,
  participant: Participant,
): Promise<Verdict> {
  const p = req.principal!;
  const refuse = async (reason: ParticipantLinkRefusal, severity: 'medium' | 'high'): Promise<Verdict> => {
    const kind = PARTICIPANT_KIND_LABELS_SV[participant.kind].toLowerCase();
    await recordDeviation(req.em, {
      encounterId: row.id,
      category: 'identity-failure',
      severity,
      description: `Mötets deltagarlänk (${kind}) öppnades av någon annan än den inbjudna (${reason}).`,
      dedupeKey: `participant-link:${row.id}:${participant.id}:${principalId(p)}`,
    });
    const r = PARTICIPANT_LINK_REFUSALS[reason];
    return { ok: false, status: r.status, title: r.title, message: r.message, reason };
  };
  if (participant.identification === 'one-time-code')
    // Its way in is the code (api/meet/guest.ts); a login is somebody else's.
    return refuse('needs-code', 'medium');
  if (participant.identification === 'staff-login') {
    const unitId = participant.unit?.id;
    if (p.kind === 'staff' && unitId && holdsIn(p, 'clinician', unitId))
      return { ok: true, actingAs: participant.kind };
    return refuse('wrong-unit', 'high');
  }
  if (p.kind !== 'person') return refuse('needs-e-id', 'medium');
  if (p.personnummer !== participant.personnummer) return refuse('wrong-person', 'high');
  return { ok: true, actingAs: participant.kind };
}
