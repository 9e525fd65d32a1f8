/**
 * Move a meeting to another free time from Mina sidor, or choose the first time of an open kallelse
 * (issue 28): the free times of the same unit and the same kind of clinician for the next 14 days,
 * grouped by Stockholm day, the late rule stated before the click, and the back office's own
 * `rescheduleUpdate` / `bookUpdate` (the workflow charges a late move as a late cancellation). A refused
 * choice changes nothing: the page says why in the patient's language (JSON callers get a 4xx naming the field).
 */
import type { Request, Response } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { logAccess, onEncounter } from '../http/audit';
import { encounterScoped, type EncounterScope } from '../http/guards';
import { HttpError } from '../http/errors';
import { blank } from '../http/forms';
import { get, post, type RouteDef } from '../http/route';
import { runUpdate } from '../encounters/updates';
import { findClinician } from '../../db/care';
import { findSlotForMove, listFreeTimes } from '../../db/slots';
import { STOCKHOLM, stockholmDateOf } from '../../domain/dates';
import { changeCost, moveRefusal, notChangeable } from '../../domain/patient-actions';
import { clockTime } from '../../domain/waiting-room';
import * as m from '../../workflows/encounter.messages';
import { lateFeeOre, lateWindowOf, stateOf, wantsPage } from './meeting-page';
import { tr, type Lang } from '../../domain/i18n';
import { localeOf } from '../../domain/format';
import { noticeFor, professionName, refusalText, type RefusalCode } from './texts';

/** How far ahead the page offers times. */
export const MOVE_DAYS = 14;

const uuid = z.string().uuid();
const MoveForm = z
  .object({
    slotId: z.preprocess(blank, uuid.optional().catch(undefined)),
    late: z.enum(['0', '1']).optional().catch(undefined),
    source: z.enum(m.CANCEL_SOURCES).optional().catch(undefined),
  })
  .passthrough();
const MovePageQuery = z
  .object({ tid: uuid.optional().catch(undefined), source: z.enum(m.CANCEL_SOURCES).optional().catch(undefined) })
  .passthrough();

/** A day as the list's heading reads it ("måndag 23 november", "Monday 23 November"). */
const dayLabel = (lang: Lang) =>
  new Intl.DateTimeFormat(localeOf(lang), { timeZone: STOCKHOLM, weekday: 'long', day: 'numeric', month: 'long' });
const STATUS: Partial<Record<RefusalCode, number>> = { 'choose-slot': 400, 'slot-missing': 404, 'not-yours': 403 };
const FIELD: Partial<Record<RefusalCode, string>> = {
  'not-changeable': 'id',
  ended: 'id',
  started: 'id',
  'not-yours': 'id',
};

/** The workflow's refusal of a reschedule or book, as the page's own code (null: not a refusal it knows). */
function workflowRefusal(err: unknown): RefusalCode | null {
  if (!(err instanceof WorkflowUpdateFailedError)) return null;
  let f: unknown = err.cause;
  while (f && !(f instanceof ApplicationFailure) && (f as Error).cause) f = (f as Error).cause;
  const type = f instanceof ApplicationFailure ? f.type : null;
  const codes: Record<string, RefusalCode> = {
    SlotTaken: 'slot-taken',
    NotFound: 'slot-missing',
    Invalid: 'slot-same',
    WrongStep: 'not-changeable',
    WrongActor: 'not-yours',
  };
  return type && Object.hasOwn(codes, type) ? codes[type] : null;
}

/** The unit's free times for this move, grouped by Stockholm day. */
async function freeDays(req: Request, careUnitId: string, profession: string | null, chosen: string | null) {
  const now = Date.now();
  const heading = dayLabel(req.lang);
  const times = await listFreeTimes(req.em, {
    careUnitId,
    profession: profession as Parameters<typeof listFreeTimes>[1]['profession'],
    // A time starting within the minute cannot be reached anyway.
    from: new Date(now + 60_000).toISOString(),
    to: new Date(now + MOVE_DAYS * 86_400_000).toISOString(),
  });
  const days = new Map<string, { date: string; label: string; times: unknown[] }>();
  for (const t of times) {
    const date = stockholmDateOf(t.startsAt);
    if (!days.has(date)) days.set(date, { date, label: heading.format(new Date(t.startsAt)), times: [] });
    days.get(date)!.times.push({
      id: t.id,
      time: clockTime(t.startsAt),
      startsAt: t.startsAt,
      clinician: `${t.clinicianName}, ${t.clinicianTitle}`,
      checked: t.id === chosen,
    });
  }
  return [...days.values()];
}

async function showMovePage(
  deps: AppDeps,
  req: Request,
  res: Response,
  enc: EncounterScope,
  extra: { error?: string; chosen?: string | null; source?: m.CancelSource } = {},
): Promise<void> {
  const { row } = enc;
  const state = await stateOf(deps.temporal, row, req.lang);
  const { clinician, feeOre } = await lateFeeOre(req, row, state, row.careUnitId);
  const why = notChangeable(state);
  const query = MovePageQuery.parse(req.query);
  const chosen = extra.chosen ?? query.tid ?? null;
  const profession = state.slot ? (clinician?.profession ?? null) : null;
  const days = why ? [] : await freeDays(req, row.careUnitId, profession, chosen);
  const cost = changeCost(state);
  await logAccess(req, onEncounter(row, 'read', { detail: { page: 'mina-sidor:flytta' } }));
  res.set('cache-control', 'no-store').render('patient/move', {
    layout: 'meet',
    title: tr(req.lang, state.slot ? 'move.titleMove' : 'move.titleBook'),
    id: row.id,
    source: extra.source ?? query.source ?? 'mina-sidor',
    unitName: row.careUnitName,
    forChild: enc.actor.role === 'guardian',
    patientName: row.patientName,
    booking: !state.slot,
    startsAt: state.slot?.startsAt ?? null,
    profession: profession ? professionName(req.lang, profession) : null,
    days,
    daysAhead: MOVE_DAYS,
    whyNot: why
      ? refusalText(req.lang, why === 'wrong-step' ? 'not-changeable' : why, { mottagning: row.careUnitName })
      : null,
    late: !!state.slot && cost.late,
    alreadyCharged: cost.alreadyCharged,
    lateFrom: state.slot ? cost.lateFrom : null,
    lateWindow: lateWindowOf(state, req.lang),
    feeOre,
    error: extra.error ?? null,
    notice: noticeFor(req.query.klart, req.lang),
  });
}

/** Moves (or books) the chosen time, or refuses with the reason; nothing changes on a refusal. */
async function move(deps: AppDeps, req: Request, res: Response, enc: EncounterScope): Promise<void> {
  const { row } = enc;
  const form = MoveForm.parse(req.body ?? {});
  let action = 'update:reschedule';
  let yrke: string | null = null;
  const refuse = async (code: RefusalCode, logged = false): Promise<never> => {
    const status = STATUS[code] ?? 409;
    const field = FIELD[code] ?? 'slotId';
    if (!logged)
      await logAccess(req, onEncounter(row, action, { outcome: 'refused', detail: { status, error: code, field } }));
    throw new HttpError(
      status,
      refusalText(req.lang, code, { mottagning: row.careUnitName, yrke: yrke ?? '' }),
      field,
      code,
    );
  };
  try {
    const state = await stateOf(deps.temporal, row, req.lang);
    if (!state.slot) action = 'update:book';
    const why = notChangeable(state);
    if (why) await refuse(why === 'wrong-step' ? 'not-changeable' : why);
    if (!form.slotId) await refuse('choose-slot');
    const clinician = state.slot ? await findClinician(req.em, state.slot.clinicianId) : null;
    yrke = clinician ? professionName(req.lang, clinician.profession) : null;
    const target = await findSlotForMove(req.em, form.slotId!);
    const want = {
      careUnitId: row.careUnitId,
      profession: clinician?.profession ?? null,
      slotId: state.slot?.slotId ?? null,
    };
    const refusal = moveRefusal(target, want);
    if (refusal) await refuse(refusal);
    // The fee is stated before the click: a page shown before the deadline passed asks again instead.
    const cost = changeCost(state);
    if (state.slot && cost.late && !cost.alreadyCharged && form.late !== '1')
      return res.redirect(303, `/mina-sidor/moten/${row.id}/flytta?klart=flytt-sen&tid=${form.slotId}`);
    const moving = !!state.slot;
    try {
      const def = moving ? m.rescheduleUpdate : m.bookUpdate;
      await runUpdate(deps.temporal, req, enc, def, { slotId: form.slotId! });
    } catch (err) {
      const code = workflowRefusal(err);
      if (code) await refuse(code, true);
      throw err;
    }
    res.redirect(303, `/mina-sidor/moten/${row.id}?klart=${moving ? 'flyttad' : 'bokad'}`);
  } catch (err) {
    if (!(err instanceof HttpError) || err.status >= 500 || !wantsPage(req)) throw err;
    await showMovePage(deps, req, res.status(err.status), enc, {
      error: err.message,
      chosen: null,
      source: form.source,
    });
  }
}

export function moveRoutes(deps: AppDeps): RouteDef[] {
  const MINE = encounterScoped('patient');
  return [
    get('/mina-sidor/moten/:id/flytta', MINE, (req, res, enc) => showMovePage(deps, req, res, enc)),
    post('/mina-sidor/moten/:id/flytta', MINE, (req, res, enc) => move(deps, req, res, enc)),
  ];
}
