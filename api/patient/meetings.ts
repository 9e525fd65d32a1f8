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
import { findCareUnit, findClinician } from '../../db/care';
import { findPatient, setReminderChannels } from '../../db/people';
import { REMINDER_CHANNELS } from '../../db/entities';
import { listFeeOre, noShowFeeOre } from '../../domain/fees';
import * as m from '../../workflows/encounter.messages';

/** Steps in which the patient's side may still confirm or cancel a booked time. */
const OPEN_STEPS: readonly m.EncounterStatus[] = ['eligibility', 'identity', 'booking', 'pre-meeting', 'video'];

const CHANNEL_LABELS: Record<(typeof REMINDER_CHANNELS)[number], string> = {
  both: 'SMS och e-post',
  sms: 'Bara SMS',
  mail: 'Bara e-post',
  none: 'Inga påminnelser',
};

const Source = z.object({ source: z.enum(m.CANCEL_SOURCES).optional() }).passthrough();
const Channels = z.object({ patientId: z.string().uuid(), channels: z.enum(REMINDER_CHANNELS) }).passthrough();

const NOTICES: Record<string, string> = {
  bekraftad: 'Tack! Du har bekräftat att du kommer.',
  avbokad: 'Tiden är avbokad.',
};

async function showMeeting(deps: AppDeps, req: Request, res: Response, enc: EncounterScope): Promise<void> {
  const { row } = enc;
  const state = await liveState(deps.temporal, row.workflowId);
  if (!state)
    throw new HttpError(503, 'vårdmötet kan inte läsas just nu, försök igen om en stund', 'id', 'unavailable');
  const unit = (await findCareUnit(req.em, row.careUnitId))!;
  const clinician = state.slot ? await findClinician(req.em, state.slot.clinicianId) : null;
  const feeOre = clinician
    ? noShowFeeOre(unit.region, listFeeOre(unit.region, clinician.profession, 'video'), false)
    : null;
  const slot = state.slot;
  const open = !!slot && OPEN_STEPS.includes(state.status) && !state.sessionStartedAt;
  const lateFrom = state.deadlines.lateCancelFrom ?? null;
  const late = !!lateFrom && Date.now() >= Date.parse(lateFrom);
  const source = Source.parse(req.query).source ?? 'mina-sidor';
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
    feeOre,
    notice: NOTICES[String(req.query.klart ?? '')] ?? null,
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
      const { source } = Source.parse(req.body);
      const reason = source === 'reminder' ? 'Avbokad av patienten från påminnelsen' : 'Avbokad av patienten';
      const arg: { reason: string; source?: m.CancelSource } = { reason, source: source ?? 'mina-sidor' };
      await runUpdate(temporal, req, enc, m.cancelUpdate, arg);
      res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=avbokad`);
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
      await setReminderChannels(req.em, patientId, channels);
      await logAccess(req, {
        action: 'update',
        target: 'mina-sidor:paminnelser',
        patientIds: [patientId],
        detail: { channels },
      });
      res.redirect(303, '/mina-sidor/paminnelser?sparat');
    }),
  ];
}
