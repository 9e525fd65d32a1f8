/**
 * The meeting page's own session: its key (X-Meeting-Key), opened by this very person, still within
 * its lifetime and still matching the booking (a clinician moved off the encounter loses the room), and
 * what the page may see and do through it.
 */
import type { Request } from 'express';
import type { Client, UpdateDefinition } from '@temporalio/client';
import type { AppDeps } from '../deps';
import type { EncounterScope } from '../http/guards';
import { actorForEncounter, type Grantee } from '../http/access';
import type { Guard } from '../http/route';
import type { MeetRole } from '../../db/entities';
import { logAccess, onEncounter } from '../http/audit';
import { principalId } from '../auth';
import { HttpError } from '../http/errors';
import { runUpdate } from '../encounters/updates';
import * as m from '../../workflows/encounter.messages';
import type { EncounterRow } from '../../db/encounters';
import { encounterRow } from './entry';
import { findMeetingSession, issueMeetingLinks } from './links';
import { patientWaitingNotes } from '../../domain/waiting-room';
import type { Lang } from '../../domain/i18n';
import { moveVideoRoom } from '../../db/video';
import type { VideoRoom } from '../../db/entities';
import { encounterRoomSpec, type VideoRooms } from '../../media/rooms';
import { iceServersFor } from '../../media/turn-credentials';

type PageSession = NonNullable<Awaited<ReturnType<typeof findMeetingSession>>>;

/** Is this page session still good for this person: not expired, and the booking still theirs? */
export function sessionHolds(req: Request, session: PageSession | null, row: EncounterRow | null, ttlSeconds: number) {
  const p = req.principal!;
  if (!session || !row || session.openedBy !== principalId(p)) return false;
  if (session.openedAt.getTime() + ttlSeconds * 1000 < Date.now()) return false;
  // Re-checked on every use: a reschedule to another clinician ends the old clinician's page.
  return session.role !== 'clinician' || (p.kind === 'staff' && p.clinicianId === row.clinicianId);
}

/** The 401 of a meeting page whose key names no session that still holds (patient's, clinician's or guest's). */
export const noMeetingSession = () =>
  new HttpError(
    401,
    'x-meeting-key: unknown or expired meeting session; open the meeting link again',
    'x-meeting-key',
    'unauthenticated',
  );

/** The page session behind X-Meeting-Key and its encounter, as a guard scope (401 when it does not hold). */
export async function pageSession(req: Request, ttlSeconds: number) {
  const session = await findMeetingSession(req.em, req.header('x-meeting-key'));
  const row = session ? await encounterRow(req, session.encounterId) : null;
  if (!sessionHolds(req, session, row, ttlSeconds)) throw noMeetingSession();
  return { session: session!, row: row! };
}

export type PageScope = Awaited<ReturnType<typeof pageSession>>;

/**
 * The meeting page's guard: the role admits, then the page session behind X-Meeting-Key decides
 * (401 when it does not hold; 403 when it is not the page of `pageRole`).
 */
export function meetingPage(ttlSeconds: number, grantees: Grantee[], pageRole?: MeetRole): Guard<PageScope> {
  return {
    grantees,
    scope: async (req) => {
      const page = await pageSession(req, ttlSeconds);
      if (pageRole && page.session.role !== pageRole)
        throw new HttpError(403, `only the ${pageRole} page can do this`, undefined, 'forbidden');
      return page;
    },
  };
}

/** What the meeting page shows of the encounter's state. */
export const meetingView = (s: m.EncounterState, lang: Lang = 'sv') => ({
  status: s.status,
  statusLabel: m.STATUS_LABELS_SV[s.status],
  roomOpen: s.status === 'video' && s.room !== null && !s.sessionEndedAt,
  roomOpensAt: s.deadlines.roomOpensAt ?? null,
  patientPresent: s.patientPresent,
  clinicianPresent: s.clinicianPresent,
  checklistConfirmed: s.checklistConfirmed,
  admitted: s.sessionStartedAt !== null,
  ended: s.sessionEndedAt !== null || m.isTerminal(s.status) || ['documentation', 'fee'].includes(s.status),
  modality: s.modality,
  // While waiting (issue 27): when the meeting was due, and when the clinician was told; nothing more of the state.
  waitingNotes:
    s.status === 'video' && !s.sessionStartedAt && !s.sessionEndedAt
      ? patientWaitingNotes(s.slot?.startsAt ?? null, s.waitingRoom?.alertedAt ?? null, new Date(), lang)
      : [],
});

/** A clinician action from the meeting page, as the logged-in booked clinician. */
export async function clinicianAction<A>(
  temporal: Client,
  req: Request,
  { row }: PageScope,
  def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
  arg: A,
) {
  const scope: EncounterScope = {
    row,
    actor: await actorForEncounter(req, row, ['clinician']),
    principal: req.principal!,
  };
  return meetingView(await runUpdate(temporal, req, scope, def, arg, `meet:${def.name}`));
}

/** Staff asking for an encounter's links: 409 once it has ended; the links and their log row commit together. */
export async function issueLinksFor(
  req: Request,
  { row }: EncounterScope,
  config: AppDeps['config'],
): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  if (m.isTerminal(row.status as m.EncounterStatus))
    throw new HttpError(409, `the encounter is ${row.status}; no meeting links`, undefined, 'WrongStep');
  return issueMeetingLinks(
    req.em,
    row.id,
    principalId(req.principal!),
    { publicUrl: config.web.publicUrl, ttlSeconds: config.meet.linkTtlSeconds },
    (tx) => logAccess(req, onEncounter(row, 'issue-meeting-links'), tx),
  );
}

/**
 * The room on its Janus before a page joins: re-created from its stored PIN and secret when that Janus
 * does not know it (restarted since, rooms being in memory only), and moved to the first server when
 * its own is no longer configured. Returns the room's server (undefined: in-memory rooms).
 */
export async function liveRoom(req: Request, rooms: VideoRooms, room: VideoRoom): Promise<string | undefined> {
  const recorded = room.janusServer ?? undefined;
  const server = recorded && rooms.servers.includes(recorded) ? recorded : rooms.servers[0];
  if (await rooms.exists(room.roomId, server)) return server;
  req.log?.warn({ roomId: room.roomId, server }, 'video room unknown to its Janus; created again');
  await rooms.create(encounterRoomSpec(room.encounterId, room), server);
  if (server && server !== recorded) await moveVideoRoom(req.em, room.encounterId, server);
  return server;
}

/** The browser's public WebSocket URL of a room's Janus server (the first's for in-memory rooms). */
export const publicWsUrlOf = (config: AppDeps['config'], server: string | undefined) =>
  (config.janus.servers.find((s) => s.id === server) ?? config.janus.servers[0]).publicWsUrl;

/**
 * The page's STUN/TURN servers with a credential of its own, named by the page's opaque publisher id.
 * @param publisherId - random per page session (api/meet/links.ts); no name or personnummer reaches coturn's log
 */
export const pageIceServers = (config: AppDeps['config'], publisherId: string) =>
  iceServersFor({
    urls: config.turn.urls,
    secret: config.turn.secret,
    id: publisherId,
    nowMs: Date.now(),
    ttlSeconds: config.turn.credentialTtlSeconds,
  });
