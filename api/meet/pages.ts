/** The meeting's pages and the page's calls: the way in, entering, the room, its state, video and presence. */
import type { Request, Response } from 'express';
import type { EncounterRow } from '../../db/encounters';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { logAccess, onEncounter } from '../http/audit';
import { keepMeetingKey, principalId } from '../auth';
import { HttpError } from '../http/errors';
import { liveState } from '../encounters/service';
import { IdParam } from '../encounters/schemas';
import { findVideoRoom } from '../../db/video';
import { LINK_REFUSALS } from '../../domain/labels';
import * as m from '../../workflows/encounter.messages';
import type { VideoRooms } from '../../media/rooms';
import { checkLink, encounterRow, refusedPage } from './entry';
import { enterMeeting, findMeetingSession, janusTokenFor } from './links';
import { meetingTexts } from '../patient/texts';
import { tr } from '../../domain/i18n';
import { PARTICIPANT_KIND_LABELS_SV } from '../../domain/participants';
import { assertParticipantAdmitted, growRoom, guestHolds, signalParticipantPresence } from './participants';
import { liveRoom, pageIceServers, publicWsUrlOf, sessionHolds, type PageScope } from './service';

const logged = (req: Request, action: string, row: EncounterRow, detail?: Record<string, unknown>) =>
  logAccess(req, onEncounter(row, action, detail ? { detail } : {}));

export async function showEntry(req: Request, res: Response, temporal: Client): Promise<void> {
  const ok = await checkLink(req, res, temporal);
  if (!ok) return;
  await logged(req, 'view-meeting-link', ok.row);
  res.render('meet/enter', {
    layout: 'meet',
    title: tr(req.lang, 'meet.enterTitle'),
    token: ok.token,
    isClinician: ok.link.role === 'clinician',
    who: (req.principal as { name: string }).name,
    actingAsGuardian: ok.actingAs === 'guardian',
    patientName: ok.row.patientName,
    clinician: ok.row.clinicianName ? `${ok.row.clinicianTitle} ${ok.row.clinicianName}` : null,
    startsAt: ok.row.scheduledStart,
  });
}

export async function enterRoom(req: Request, res: Response, temporal: Client): Promise<void> {
  const ok = await checkLink(req, res, temporal);
  if (!ok) return;
  // Binding the link and its access-log row commit together.
  const entered = await req.em.transactional(async (tx) => {
    const e = await enterMeeting(tx, ok.token, principalId(req.principal!));
    if (e) await logAccess(req, onEncounter(ok.row, 'open-meeting', { detail: { actingAs: ok.actingAs } }), tx);
    return e;
  });
  if (!entered) {
    const r = LINK_REFUSALS.used;
    return void refusedPage(res, r.status, r.title, r.message, 'used');
  }
  await keepMeetingKey(req, entered);
  res.redirect(303, `/meet/room/${entered.encounterId}`);
}

/**
 * The meeting page. `guest`: the interpreter who entered with a one-time code (no login; its key is
 * kept in this browser's session), whose page calls `/meet/api/guest/*`.
 */
export async function showRoom(req: Request, res: Response, ttlSeconds: number, guest = false): Promise<void> {
  res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
  const { id } = IdParam.parse(req.params);
  const key = req.session.meetings?.[id];
  const session = await findMeetingSession(req.em, key);
  const row = session ? await encounterRow(req, id) : null;
  const holds = guest ? guestHolds(req, session, key, ttlSeconds) : sessionHolds(req, session, row, ttlSeconds);
  if (!holds || session!.encounterId !== id)
    return void refusedPage(
      res,
      403,
      'Öppna mötet via din länk',
      'Öppna mötet med länken du fick, igen.',
      'no-meeting-session',
    );
  const { role } = session!;
  await logged(req, 'open-meeting-room', row!);
  res.render('meet/room', {
    layout: 'meet',
    title: role === 'clinician' ? 'Vårdmöte – vårdgivare' : tr(req.lang, 'meet.roomTitle'),
    role,
    isClinician: role === 'clinician',
    isGuest: guest,
    clinician: row!.clinicianName ? { name: row!.clinicianName, title: row!.clinicianTitle } : null,
    checklist: m.CHECKLIST_ITEMS.map((k) => ({ key: k, label: m.CHECKLIST_LABELS_SV[k] })),
    // A JSON block, not a script: the page's CSP runs no inline code. '<' is escaped so no name can close the tag.
    meeting: JSON.stringify({
      role,
      key: key!,
      // A guest has no login, so no CSRF token: its calls carry the key, which a cross-site form cannot set.
      csrfToken: res.locals.csrfToken ?? '',
      api: guest ? '/meet/api/guest/' : '/meet/api/',
      displayName:
        role === 'clinician' && row!.clinicianName
          ? `${row!.clinicianTitle} ${row!.clinicianName}`
          : role === 'patient' || role === 'clinician'
            ? 'Patient'
            : PARTICIPANT_KIND_LABELS_SV[role],
      // The page's own sentences, in its language (the clinician's page: Swedish).
      ...meetingTexts(req.lang),
    }).replace(/</g, '\\u003c'),
  });
}

/**
 * The room's Janus credentials (the clinician's at once, the patient's once admitted: the waiting room),
 * on the room's own Janus, with the page's STUN/TURN servers for every peer connection.
 */
export async function joinVideo(
  { temporal, config }: AppDeps,
  rooms: VideoRooms,
  req: Request,
  { session, row }: PageScope,
) {
  const room = await findVideoRoom(req.em, row.id);
  if (!room || room.destroyedAt) throw new HttpError(409, 'the video room is not open', undefined, 'WrongStep');
  if (session.role === 'patient') {
    const state = await liveState(temporal, row.workflowId);
    if (!state?.sessionStartedAt)
      throw new HttpError(409, 'Du är i väntrummet tills vårdgivaren släpper in dig.', undefined, 'WaitingRoom');
  } else if (session.participantId) await assertParticipantAdmitted(temporal, row, session.participantId);
  const server = await liveRoom(req, rooms, room);
  // As many publishers as are admitted, up to VIDEO_MAX_PARTICIPANTS (issue 26).
  await growRoom(temporal, rooms, row, room, server, config.meet.maxParticipants);
  // The room admits listed tokens only.
  const janusToken = janusTokenFor(req.header('x-meeting-key')!);
  await rooms.allow(room.roomId, room.secret, janusToken, server);
  await logged(req, 'join-video', row);
  const ice = pageIceServers(config, session.publisherId);
  return {
    wsUrl: publicWsUrlOf(config, server),
    roomId: room.roomId,
    pin: room.pin,
    janusToken,
    publisherId: session.publisherId,
    iceServers: ice.iceServers,
    /** Unix seconds after which the TURN credential opens no new relay; null: none to expire. */
    iceServersExpireAt: ice.expiresAt,
  };
}

/** The patient's or a participant's page says it is in its waiting room (or has left it): presence from the page. */
export async function reportPresence(temporal: Client, req: Request, { row, session }: PageScope, present: boolean) {
  if (session.participantId) await signalParticipantPresence(temporal, row, session.participantId, present);
  else if (session.role !== 'patient')
    throw new HttpError(403, 'only the patient and participant pages report presence', undefined, 'forbidden');
  else {
    const signal = present ? m.participantJoinedSignal : m.participantLeftSignal;
    await temporal.workflow.getHandle(row.workflowId).signal(signal, { role: 'patient', source: 'waiting-room-page' });
  }
  await logged(req, present ? 'enter-waiting-room' : 'leave-waiting-room', row);
}

declare module 'express-session' {
  interface SessionData {
    /** Meeting page keys by encounter id, for the rooms this browser entered. */
    meetings?: Record<string, string>;
  }
}
