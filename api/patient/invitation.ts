/**
 * Answering a kallelse on Mina sidor (issue 28). The workflow has no update of its own for a patient's
 * answer, so each answer is the existing update that means it: yes to the offered time is
 * `confirmAttendanceUpdate` (the patient will come to that time; the unit reads it on the timeline),
 * an open kallelse is answered by choosing a time (move.ts, `bookUpdate`), and no is `cancelUpdate`
 * with the decline as its reason (the encounter ends as cancelled, which the unit sees), its late fee
 * stated before the click as for any cancellation.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { logAccess, onEncounter } from '../http/audit';
import { encounterScoped, type EncounterScope } from '../http/guards';
import { HttpError } from '../http/errors';
import { post, type RouteDef } from '../http/route';
import { runUpdate } from '../encounters/updates';
import { changeCost, pendingOffer } from '../../domain/patient-actions';
import * as m from '../../workflows/encounter.messages';
import { showMeeting, stateOf, wantsPage } from './meeting-page';
import { tr } from '../../domain/i18n';
import { DECLINE_REASON_SV, refusalText, type RefusalCode } from './texts';

export const DECLINE_COMMENT_MAX = 500;

const DeclineForm = z
  .object({
    late: z.enum(['0', '1']).optional().catch(undefined),
    kommentar: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().max(DECLINE_COMMENT_MAX).optional(),
    ),
  })
  .passthrough();

/** Runs an answer; a refusal shows the meeting's page again with the reason (JSON callers: the 4xx). */
async function answering(
  deps: AppDeps,
  req: Request,
  res: Response,
  enc: EncounterScope,
  answer: () => Promise<void>,
): Promise<void> {
  try {
    await answer();
  } catch (err) {
    if (!(err instanceof HttpError) || err.status >= 500 || !wantsPage(req)) throw err;
    await showMeeting(deps, req, res.status(err.status), enc, { error: err.message });
  }
}

/** The refusal of an answer, access-logged as refused. */
async function refuse(req: Request, enc: EncounterScope, action: string, code: RefusalCode) {
  const detail = { status: 409, error: code, field: 'id' };
  await logAccess(req, onEncounter(enc.row, action, { outcome: 'refused', detail }));
  return new HttpError(409, refusalText(req.lang, code, { mottagning: enc.row.careUnitName }), 'id', code);
}

export function invitationRoutes(deps: AppDeps): RouteDef[] {
  const { temporal } = deps;
  const MINE = encounterScoped('patient');
  return [
    // Yes to the offered time.
    post('/mina-sidor/moten/:id/kallelse/ja', MINE, (req, res, enc) =>
      answering(deps, req, res, enc, async () => {
        const action = 'update:confirmAttendance';
        const offer = pendingOffer(await stateOf(temporal, enc.row, req.lang));
        if (offer !== 'timed') throw await refuse(req, enc, action, offer === 'open' ? 'offer-open' : 'no-offer');
        const arg: { source?: m.CancelSource } = { source: 'mina-sidor' };
        await runUpdate(temporal, req, enc, m.confirmAttendanceUpdate, arg);
        res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=kallelse-ja`);
      }),
    ),
    // No: the encounter is cancelled with the decline as its reason.
    post('/mina-sidor/moten/:id/kallelse/nej', MINE, (req, res, enc) =>
      answering(deps, req, res, enc, async () => {
        const parsed = DeclineForm.safeParse(req.body ?? {});
        if (!parsed.success) {
          const tooLong = tr(req.lang, 'meeting.commentTooLong', { max: DECLINE_COMMENT_MAX });
          throw new HttpError(400, `kommentar: ${tooLong}`, 'kommentar', 'validation');
        }
        const state = await stateOf(temporal, enc.row, req.lang);
        if (!pendingOffer(state)) throw await refuse(req, enc, 'update:cancel', 'no-offer');
        // The fee is stated before the click: a page shown before the deadline passed asks again instead.
        if (changeCost(state).late && parsed.data.late !== '1')
          return res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=kallelse-sen`);
        const comment = parsed.data.kommentar;
        const reason = comment ? `${DECLINE_REASON_SV}: ${comment}` : DECLINE_REASON_SV;
        const arg: { reason: string; source?: m.CancelSource } = { reason, source: 'mina-sidor' };
        await runUpdate(temporal, req, enc, m.cancelUpdate, arg);
        res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=kallelse-nej`);
      }),
    ),
  ];
}
