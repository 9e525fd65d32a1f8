/**
 * A meeting's page on Mina sidor (issues 27–28): what is booked, what happens next and when, what the
 * patient's side may do now (confirm, cancel, move, answer a kallelse, join) with the cost stated
 * before the click, the information sheet and the fee rules.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { logAccess, onEncounter } from '../http/audit';
import type { EncounterScope } from '../http/guards';
import { HttpError } from '../http/errors';
import { liveState } from '../encounters/service';
import { findCareUnit, findClinician } from '../../db/care';
import { stockholmDateOf } from '../../domain/dates';
import { stockholmTime } from '../../domain/format';
import { listFeeOre, noShowFeeOre } from '../../domain/fees';
import { changeCost, nextStep, nextStepInputOf, patientActions } from '../../domain/patient-actions';
import { ageOn } from '../../domain/personnummer';
import * as m from '../../workflows/encounter.messages';
import { feeRulesFor } from './fee-rules';
import { tr, type Lang } from '../../domain/i18n';
import { duration, nextStepSentence, noticeFor, refusalText, statusText } from './texts';

/** Steps in which the patient's side may still confirm or cancel a booked time. */
export const OPEN_STEPS: readonly m.EncounterStatus[] = ['eligibility', 'identity', 'booking', 'pre-meeting', 'video'];

// A link cut short in an SMS or mail still opens the page; only the forms' own field is checked strictly.
const PageSource = z.object({ source: z.enum(m.CANCEL_SOURCES).optional().catch(undefined) }).passthrough();

/** The browser's form posts get a page with the refusal; JSON callers the one error handler's 4xx. */
export const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

/** The room is open for the patient: the video step, the meeting not over. */
export const roomOpen = (state: m.EncounterState) => state.status === 'video' && !state.sessionEndedAt;

/** The encounter's live state, or a 503 the patient can read (the workflow is the source of truth). */
export async function stateOf(
  temporal: Client,
  row: { workflowId: string },
  lang: Lang = 'sv',
): Promise<m.EncounterState> {
  const state = await liveState(temporal, row.workflowId);
  if (!state) throw new HttpError(503, refusalText(lang, 'unavailable'), 'id', 'unavailable');
  return state;
}

/** What happens next, in the patient's words, from the live state. */
export const nextStepText = (s: Parameters<typeof nextStepInputOf>[0], lang: Lang = 'sv'): string => {
  const next = nextStep(nextStepInputOf(s));
  return nextStepSentence(lang, next.code, stockholmTime(next.at, lang));
};

/**
 * The late-cancel fee for this patient now, as the fee activity will decide it (today's age against
 * the unit's limits, the booked clinician's profession and the meeting's modality); null without a time.
 */
export async function lateFeeOre(req: Request, row: { personnummer: string }, state: m.EncounterState, unitId: string) {
  const unit = (await findCareUnit(req.em, unitId))!;
  const clinician = state.slot ? await findClinician(req.em, state.slot.clinicianId) : null;
  const age = ageOn(row.personnummer, stockholmDateOf(new Date()));
  const exempt = age < unit.freeBelowAge || age >= unit.freeFromAge;
  const feeOre = clinician
    ? noShowFeeOre(unit.region, listFeeOre(unit.region, clinician.profession, state.modality), exempt)
    : null;
  return { unit, clinician, feeOre };
}

/** The late-cancel window as the patient reads it, from the booked time and its deadline (else the default policy). */
export const lateWindowOf = (state: m.EncounterState, lang: Lang = 'sv'): string => {
  const lateFrom = state.deadlines.lateCancelFrom;
  return duration(
    state.slot && lateFrom
      ? Date.parse(state.slot.startsAt) - Date.parse(lateFrom)
      : m.DEFAULT_POLICY.lateCancelSeconds * 1000,
    lang,
  );
};

/**
 * Renders the meeting's page.
 * @param extra - a refusal to show above the actions (the response's status is set by the caller)
 */
export async function showMeeting(
  deps: AppDeps,
  req: Request,
  res: Response,
  enc: EncounterScope,
  extra: { error?: string } = {},
): Promise<void> {
  const { row } = enc;
  const state = await stateOf(deps.temporal, row, req.lang);
  const { unit, clinician, feeOre } = await lateFeeOre(req, row, state, row.careUnitId);
  const slot = state.slot;
  const actions = patientActions(state);
  const cost = changeCost(state);
  const open = !!slot && OPEN_STEPS.includes(state.status) && !state.sessionStartedAt;
  const fees = await feeRulesFor(
    req.em,
    unit,
    {
      patientId: row.patientId,
      personnummer: row.personnummer,
      profession: clinician?.profession ?? null,
      modality: state.modality,
    },
    req.lang,
  );
  const source = PageSource.parse(req.query).source ?? 'mina-sidor';
  await logAccess(req, onEncounter(row, 'read', { detail: { page: 'mina-sidor:mote' } }));
  res.set('cache-control', 'no-store').render('patient/meeting', {
    layout: 'meet',
    title: tr(req.lang, 'meeting.title'),
    id: row.id,
    source,
    unitName: row.careUnitName,
    clinicianName: row.clinicianName,
    clinicianTitle: row.clinicianTitle,
    forChild: enc.actor.role === 'guardian',
    patientName: row.patientName,
    startsAt: slot?.startsAt ?? null,
    statusLabel: statusText(req.lang, state.status),
    next: nextStepText(state, req.lang),
    cancelled: state.status === 'cancelled',
    // A timed kallelse is answered (yes, another time, no) instead of confirmed or cancelled.
    open: open && actions.offer === null,
    offer: actions.offer,
    purpose: state.invitation?.purpose ?? null,
    canMove: actions.move,
    canBook: actions.book,
    confirmed: !!slot && state.attendanceConfirmedAt?.startsAt === slot.startsAt,
    late: cost.late,
    alreadyCharged: cost.alreadyCharged,
    lateFrom: cost.lateFrom,
    lateWindow: lateWindowOf(state, req.lang),
    feeOre,
    canJoin: roomOpen(state),
    fees,
    notice: noticeFor(req.query.klart, req.lang),
    error: extra.error ?? null,
  });
}
