/**
 * A patient's own meeting on Mina sidor, where a reminder's link leads (after login): what is booked,
 * the late-cancel rule stated before the click, and one click to confirm or cancel; and the patient's
 * choice of reminder channels (issue 27).
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { patientsFor } from '../http/access';
import { logAccess, onEncounter } from '../http/audit';
import { encounterScoped, roles, type EncounterScope } from '../http/guards';
import { HttpError } from '../http/errors';
import { get, post, type RouteDef } from '../http/route';
import { runUpdate } from '../encounters/updates';
import { liveState } from '../encounters/service';
import { enterFromMinaSidor } from '../meet/links';
import { mayEnter } from '../meet/entry';
import { principalId, saveSession } from '../auth';
import { findCareUnit, findClinician } from '../../db/care';
import { findPatient, setReminderChannels } from '../../db/people';
import { REMINDER_CHANNELS } from '../../db/entities';
import { stockholmDateOf } from '../../domain/dates';
import { listFeeOre, noShowFeeOre } from '../../domain/fees';
import { ageOn } from '../../domain/personnummer';
import * as m from '../../workflows/encounter.messages';

/** Steps in which the patient's side may still confirm or cancel a booked time. */
export const OPEN_STEPS: readonly m.EncounterStatus[] = ['eligibility', 'identity', 'booking', 'pre-meeting', 'video'];

const CHANNEL_LABELS: Record<(typeof REMINDER_CHANNELS)[number], string> = {
  both: 'SMS och e-post',
  sms: 'Bara SMS',
  mail: 'Bara e-post',
  none: 'Inga påminnelser',
};

const Source = z.object({ source: z.enum(m.CANCEL_SOURCES).optional() }).passthrough();
// A link cut short in an SMS or mail still opens the page; only the forms' own field is checked strictly.
const PageSource = z.object({ source: z.enum(m.CANCEL_SOURCES).optional().catch(undefined) }).passthrough();
const CancelForm = Source.extend({ late: z.enum(['0', '1']).optional() });
const Channels = z.object({ patientId: z.string().uuid(), channels: z.enum(REMINDER_CHANNELS) }).passthrough();

const NOTICES: Record<string, string> = {
  bekraftad: 'Tack! Du har bekräftat att du kommer.',
  avbokad: 'Tiden är avbokad.',
  sen: 'Tiden för att avboka utan kostnad har just passerat. Avgiften står nedan – avboka igen om du vill.',
};

const noticeFor = (key: unknown) => (typeof key === 'string' && Object.hasOwn(NOTICES, key) ? NOTICES[key] : null);

/** From the late-cancel deadline on, a cancellation costs the no-show fee (RULES.md §2). */
const isLate = (state: m.EncounterState) =>
  !!state.deadlines.lateCancelFrom && Date.now() > Date.parse(state.deadlines.lateCancelFrom);

/** The room is open for the patient: the video step, the meeting not over. */
const roomOpen = (state: m.EncounterState) => state.status === 'video' && !state.sessionEndedAt;

/** The late-cancel window as the patient reads it ("24 timmar", "90 minuter"), from the booked time and its deadline. */
function lateWindowText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0) return minutes === 60 ? '1 timme' : `${minutes / 60} timmar`;
  return minutes === 1 ? '1 minut' : `${minutes} minuter`;
}

async function showMeeting(deps: AppDeps, req: Request, res: Response, enc: EncounterScope): Promise<void> {
  const { row } = enc;
  const state = await liveState(deps.temporal, row.workflowId);
  if (!state)
    throw new HttpError(503, 'vårdmötet kan inte läsas just nu, försök igen om en stund', 'id', 'unavailable');
  const unit = (await findCareUnit(req.em, row.careUnitId))!;
  const clinician = state.slot ? await findClinician(req.em, state.slot.clinicianId) : null;
  // The fee as recordFee will decide it: today's age against the unit's limits, the meeting's modality.
  const age = ageOn(row.personnummer, stockholmDateOf(new Date()));
  const exempt = age < unit.freeBelowAge || age >= unit.freeFromAge;
  const feeOre = clinician
    ? noShowFeeOre(unit.region, listFeeOre(unit.region, clinician.profession, state.modality), exempt)
    : null;
  const slot = state.slot;
  const open = !!slot && OPEN_STEPS.includes(state.status) && !state.sessionStartedAt;
  const lateFrom = state.deadlines.lateCancelFrom ?? null;
  const late = isLate(state);
  const source = PageSource.parse(req.query).source ?? 'mina-sidor';
  await logAccess(req, onEncounter(row, 'read', { detail: { page: 'mina-sidor:mote' } }));
  res.set('cache-control', 'no-store').render('patient/meeting', {
    layout: 'meet',
    title: 'Ditt vårdmöte',
    id: row.id,
    source,
    unitName: row.careUnitName,
    clinicianName: row.clinicianName,
    clinicianTitle: row.clinicianTitle,
    startsAt: slot?.startsAt ?? null,
    statusLabel: m.STATUS_LABELS_SV[state.status] ?? state.status,
    cancelled: state.status === 'cancelled',
    open,
    confirmed: !!slot && state.attendanceConfirmedAt?.startsAt === slot.startsAt,
    late,
    lateFrom,
    lateWindow: slot && lateFrom ? lateWindowText(Date.parse(slot.startsAt) - Date.parse(lateFrom)) : null,
    feeOre,
    canJoin: roomOpen(state),
    opensAt: state.status === 'pre-meeting' ? (state.deadlines.roomOpensAt ?? null) : null,
    openInvitation: !slot && !!state.invitation && !state.invitation.acceptedAt && !m.isTerminal(state.status),
    notice: noticeFor(req.query.klart),
  });
}

export function patientMeetingRoutes(deps: AppDeps): RouteDef[] {
  const { temporal } = deps;
  const MINE = encounterScoped('patient');
  return [
    get('/mina-sidor/moten/:id', MINE, (req, res, enc) => showMeeting(deps, req, res, enc)),
    post('/mina-sidor/moten/:id/bekrafta', MINE, async (req, res, enc) => {
      const { source } = Source.parse(req.body);
      const arg: { source?: m.CancelSource } = { source: source ?? 'mina-sidor' };
      await runUpdate(temporal, req, enc, m.confirmAttendanceUpdate, arg);
      res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=bekraftad`);
    }),
    post('/mina-sidor/moten/:id/avboka', MINE, async (req, res, enc) => {
      const { source, late } = CancelForm.parse(req.body);
      // The fee is stated before the click: a page shown before the deadline passed asks again instead.
      const state = await liveState(temporal, enc.row.workflowId);
      if (!state)
        throw new HttpError(503, 'vårdmötet kan inte läsas just nu, försök igen om en stund', 'id', 'unavailable');
      if (isLate(state) && late !== '1') return res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=sen`);
      const reason = source === 'reminder' ? 'Avbokad av patienten från påminnelsen' : 'Avbokad av patienten';
      const arg: { reason: string; source?: m.CancelSource } = { reason, source: source ?? 'mina-sidor' };
      await runUpdate(temporal, req, enc, m.cancelUpdate, arg);
      res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=avbokad`);
    }),
    // Into the meeting from here, behind the same server-enforced waiting room as a mailed link.
    post('/mina-sidor/moten/:id/anslut', MINE, async (req, res, enc) => {
      const state = await liveState(temporal, enc.row.workflowId);
      if (!state || !roomOpen(state))
        throw new HttpError(409, 'mötet är inte öppet just nu; det öppnar en stund före starttiden', 'id', 'WrongStep');
      const verdict = await mayEnter(req, enc.row, 'patient');
      if (!verdict.ok) {
        const refused = { outcome: 'refused' as const, detail: { reason: verdict.reason } };
        await logAccess(req, onEncounter(enc.row, 'open-meeting', refused));
        throw new HttpError(verdict.status, verdict.message, 'id', verdict.reason);
      }
      const person = principalId(req.principal!);
      const entered = await req.em.transactional(async (tx) => {
        const e = await enterFromMinaSidor(tx, enc.row.id, person, deps.config.meet.linkTtlSeconds);
        const detail = { actingAs: verdict.actingAs, from: 'mina-sidor' };
        if (e) await logAccess(req, onEncounter(enc.row, 'open-meeting', { detail }), tx);
        return e;
      });
      if (!entered) throw new HttpError(409, 'mötet kunde inte öppnas, försök igen', 'id', 'WrongStep');
      req.session.meetings = { ...req.session.meetings, [entered.encounterId]: entered.key };
      await saveSession(req);
      res.redirect(303, `/meet/room/${entered.encounterId}`);
    }),
    get('/mina-sidor/paminnelser', roles('patient'), async (req, res) => {
      const mine = (await patientsFor(req.em, req.principal!)) ?? [];
      const people = [];
      for (const x of mine) {
        const p = (await findPatient(req.em, x.patientId))!;
        people.push({
          patientId: p.id,
          name: `${p.givenName} ${p.familyName}`,
          forChild: x.actingAs === 'guardian',
          hasPhone: !!p.phone,
          hasEmail: !!p.email,
          choices: REMINDER_CHANNELS.map((c) => ({
            value: c,
            label: CHANNEL_LABELS[c],
            checked: c === p.reminderChannels,
          })),
        });
      }
      await logAccess(req, {
        action: 'read',
        target: 'mina-sidor:paminnelser',
        patientIds: mine.map((x) => x.patientId),
      });
      res.set('cache-control', 'no-store').render('patient/reminders', {
        layout: 'meet',
        title: 'Påminnelser',
        people,
        notice: req.query.sparat !== undefined ? 'Ditt val är sparat.' : null,
      });
    }),
    post('/mina-sidor/paminnelser', roles('patient'), async (req, res) => {
      const { patientId, channels } = Channels.parse(req.body);
      const mine = (await patientsFor(req.em, req.principal!)) ?? [];
      if (!mine.some((x) => x.patientId === patientId)) {
        await logAccess(req, { action: 'update', target: 'mina-sidor:paminnelser', outcome: 'refused' });
        throw new HttpError(
          403,
          'du kan bara ändra dina egna (eller ditt barns) påminnelser',
          'patientId',
          'forbidden',
        );
      }
      // The change and its access-log row commit together.
      await req.em.transactional(async (tx) => {
        await setReminderChannels(tx, patientId, channels);
        const entry = {
          action: 'update',
          target: 'mina-sidor:paminnelser',
          patientIds: [patientId],
          detail: { channels },
        };
        await logAccess(req, entry, tx);
      });
      res.redirect(303, '/mina-sidor/paminnelser?sparat');
    }),
  ];
}
