/**
 * A patient's own meeting on Mina sidor, where a reminder's link leads (after login): one click to
 * confirm, cancel (the late-cancel fee stated before the click) or join (issue 27), to move the time or
 * answer a kallelse (issue 28, in move.ts and invitation.ts); and the patient's choice of reminder
 * channels. The page itself is meeting-page.ts.
 */
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { patientsFor } from '../http/access';
import { logAccess, onEncounter } from '../http/audit';
import { encounterScoped, roles } from '../http/guards';
import { HttpError } from '../http/errors';
import { get, post, type RouteDef } from '../http/route';
import { runUpdate } from '../encounters/updates';
import { liveState } from '../encounters/service';
import { enterFromMinaSidor } from '../meet/links';
import { mayEnter } from '../meet/entry';
import { keepMeetingKey, principalId } from '../auth';
import { findPatient, setReminderChannels } from '../../db/people';
import { REMINDER_CHANNELS } from '../../db/entities';
import { changeCost } from '../../domain/patient-actions';
import * as m from '../../workflows/encounter.messages';
import { invitationRoutes } from './invitation';
import { roomOpen, showMeeting, stateOf } from './meeting-page';
import { moveRoutes } from './move';
import { tr } from '../../domain/i18n';
import { channelLabel, refusalText } from './texts';

export { OPEN_STEPS } from './meeting-page';

const Source = z.object({ source: z.enum(m.CANCEL_SOURCES).optional() }).passthrough();
const CancelForm = Source.extend({ late: z.enum(['0', '1']).optional() });
const Channels = z.object({ patientId: z.string().uuid(), channels: z.enum(REMINDER_CHANNELS) }).passthrough();

export function patientMeetingRoutes(deps: AppDeps): RouteDef[] {
  const { temporal } = deps;
  const MINE = encounterScoped('patient');
  return [
    get('/mina-sidor/moten/:id', MINE, (req, res, enc) => showMeeting(deps, req, res, enc)),
    ...moveRoutes(deps),
    ...invitationRoutes(deps),
    post('/mina-sidor/moten/:id/bekrafta', MINE, async (req, res, enc) => {
      const { source } = Source.parse(req.body);
      const arg: { source?: m.CancelSource } = { source: source ?? 'mina-sidor' };
      await runUpdate(temporal, req, enc, m.confirmAttendanceUpdate, arg);
      res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=bekraftad`);
    }),
    post('/mina-sidor/moten/:id/avboka', MINE, async (req, res, enc) => {
      const { source, late } = CancelForm.parse(req.body);
      // The fee is stated before the click: a page shown before the deadline passed asks again instead.
      const state = await stateOf(temporal, enc.row, req.lang);
      if (changeCost(state).late && late !== '1') return res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=sen`);
      const reason = source === 'reminder' ? 'Avbokad av patienten från påminnelsen' : 'Avbokad av patienten';
      const arg: { reason: string; source?: m.CancelSource } = { reason, source: source ?? 'mina-sidor' };
      await runUpdate(temporal, req, enc, m.cancelUpdate, arg);
      res.redirect(303, `/mina-sidor/moten/${enc.row.id}?klart=avbokad`);
    }),
    // Into the meeting from here, behind the same server-enforced waiting room as a mailed link.
    post('/mina-sidor/moten/:id/anslut', MINE, async (req, res, enc) => {
      const state = await liveState(temporal, enc.row.workflowId);
      if (!state || !roomOpen(state)) throw new HttpError(409, refusalText(req.lang, 'room-closed'), 'id', 'WrongStep');
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
      if (!entered) throw new HttpError(409, refusalText(req.lang, 'room-failed'), 'id', 'WrongStep');
      await keepMeetingKey(req, entered);
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
            label: channelLabel(req.lang, c),
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
        title: tr(req.lang, 'reminders.title'),
        people,
        notice: req.query.sparat !== undefined ? tr(req.lang, 'reminders.saved') : null,
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
