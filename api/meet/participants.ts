/**
 * Participants beyond patient and clinician (issue 26), server side: staff invite (each with its own
 * one-time link), the patient accepts a relative, the booked clinician admits one by one, staff remove;
 * each participant's page waits in its own waiting room and gets no room credentials before admission;
 * an interpreter without Swedish e-ID enters with a one-time code sent to the booked address.
 */
import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { EncounterScope } from '../http/guards';
import type { Guard } from '../http/route';
import { logAccess, onEncounter } from '../http/audit';
import { keepMeetingKey, principalId } from '../auth';
import { HttpError, notFound } from '../http/errors';
import { runUpdate } from '../encounters/updates';
import { liveState } from '../encounters/service';
import { findCareUnit } from '../../db/care';
import type { EncounterRow } from '../../db/encounters';
import { parsePersonnummer } from '../../domain/personnummer';
import { toE164 } from '../../domain/phone';
import { tr } from '../../domain/i18n';
import {
  inRoom,
  maxInRoom,
  PARTICIPANT_KINDS,
  PARTICIPANT_STATUS_LABELS_SV,
  type Invitation,
  type Participant,
} from '../../domain/participants';
import * as m from '../../workflows/encounter.messages';
import type { VideoRooms } from '../../media/rooms';
import { encounterRow } from './entry';
import { noMeetingSession } from './service';
import {
  checkOneTimeCode,
  enterMeeting,
  findMeetingSession,
  issueParticipantLink,
  linkHashOf,
  revokeParticipantLinks,
  askForCode,
  codeLink,
  janusTokenOfKeyHash,
} from './links';
import { findVideoRoom, participantPages } from '../../db/video';

// ── Bodies: each refusal names its field ────────────────────────────────────────────────────────

export const InvitationBody = z
  .object({
    kind: z.enum(PARTICIPANT_KINDS),
    name: z.string().trim().min(1).max(200),
    language: z.string().trim().min(1).max(60).optional(),
    service: z.string().trim().min(1).max(200).optional(),
    /** The colleague's care unit; its name is ours, not the caller's. */
    careUnitId: z.string().uuid().optional(),
    identification: z.enum(['e-id', 'staff-login', 'one-time-code']).optional(),
    personnummer: z.string().max(20).optional(),
    contact: z
      .object({ sms: z.string().max(30).optional(), email: z.string().email().max(200).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const ParticipantParams = z.object({ id: z.string().uuid(), participantId: z.string().uuid() });
const RemoveBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();
const CodeBody = z.object({ code: z.string().regex(/^\d{6}$/, 'code must be six digits') }).strict();

/** What answers show of a participant: never its personnummer or contact details. */
export const participantView = (p: Participant) => ({
  id: p.id,
  kind: p.kind,
  name: p.name,
  ...(p.language ? { language: p.language } : {}),
  ...(p.service ? { service: p.service } : {}),
  ...(p.unit ? { unit: p.unit } : {}),
  identification: p.identification,
  invitedBy: p.invitedBy,
  status: p.status,
  statusLabel: PARTICIPANT_STATUS_LABELS_SV[p.status],
  awaitsPatient: p.kind === 'relative' && p.acceptedAt === null,
  tookPart: p.tookPart,
});

const participantsOf = (s: m.EncounterState) => (s.participants ?? []).map(participantView);

/** The invitation as the workflow checks it: the personnummer normalised, the number in E.164, our unit name. */
async function toInvitation(
  req: Request,
  row: EncounterRow,
  body: z.infer<typeof InvitationBody>,
): Promise<Invitation> {
  const { careUnitId, personnummer, contact, ...rest } = body;
  const inv: Invitation = { ...rest };
  if (personnummer !== undefined) {
    try {
      inv.personnummer = parsePersonnummer(personnummer).normalized;
    } catch {
      throw new HttpError(400, 'personnummer: not a valid personnummer', 'personnummer', 'validation');
    }
  }
  if (contact) {
    const sms = contact.sms ? toE164(contact.sms) : undefined;
    if (contact.sms && !sms) throw new HttpError(400, 'contact.sms: not a mobile number', 'contact.sms', 'validation');
    inv.contact = { ...(sms ? { sms } : {}), ...(contact.email ? { email: contact.email } : {}) };
  }
  if (body.kind === 'colleague') {
    if (!careUnitId)
      throw new HttpError(400, 'careUnitId: a colleague needs its care unit', 'careUnitId', 'validation');
    if (careUnitId === row.careUnitId)
      throw new HttpError(
        400,
        "careUnitId: a colleague is of another unit than the encounter's",
        'careUnitId',
        'validation',
      );
    const unit = await findCareUnit(req.em, careUnitId);
    if (!unit) throw new HttpError(404, `careUnitId: care unit ${careUnitId} not found`, 'careUnitId', 'not-found');
    inv.unit = { id: unit.id, name: unit.name };
  }
  return inv;
}

/** A new link for the participant, its access-log row in the same transaction. */
function linkFor(req: Request, row: EncounterRow, p: Participant, config: AppDeps['config']) {
  return issueParticipantLink(
    req.em,
    { encounterId: row.id, participantId: p.id, kind: p.kind, createdBy: principalId(req.principal!) },
    { publicUrl: config.web.publicUrl, ttlSeconds: config.meet.linkTtlSeconds },
    (tx) =>
      logAccess(req, onEncounter(row, 'issue-participant-link', { detail: { participantId: p.id, kind: p.kind } }), tx),
  );
}

/**
 * Invites a participant and answers with its own link. The workflow decides first (who may invite whom,
 * every field); the link is made only for an invitation it took. Should the link fail after that, the
 * participant stands without one, and `…/link` makes it.
 */
export async function invite(deps: AppDeps, req: Request, enc: EncounterScope) {
  const invitation = await toInvitation(req, enc.row, InvitationBody.parse(req.body));
  const state = await runUpdate(deps.temporal, req, enc, m.inviteParticipantUpdate, { invitation });
  // Invitations run one at a time in the workflow: the last participant is this one.
  const p = state.participants![state.participants!.length - 1];
  const link = await linkFor(req, enc.row, p, deps.config);
  return { participant: participantView(p), url: link.url, expiresAt: link.expiresAt.toISOString() };
}

/** A new link for a participant (the earlier one withdrawn). */
export async function newLink(deps: AppDeps, req: Request, enc: EncounterScope) {
  const { participantId } = ParticipantParams.parse(req.params);
  if (m.isTerminal(enc.row.status as m.EncounterStatus))
    throw new HttpError(409, `the encounter is ${enc.row.status}; no meeting links`, undefined, 'WrongStep');
  const state = await liveState(deps.temporal, enc.row.workflowId);
  const p = state?.participants?.find((x) => x.id === participantId);
  if (!p) throw new HttpError(404, 'participantId: no such participant', 'participantId', 'not-found');
  if (p.status === 'removed') throw new HttpError(409, 'the participant has been removed', undefined, 'WrongStep');
  const link = await linkFor(req, enc.row, p, deps.config);
  return { participant: participantView(p), url: link.url, expiresAt: link.expiresAt.toISOString() };
}

export async function accept(deps: AppDeps, req: Request, enc: EncounterScope) {
  const { participantId } = ParticipantParams.parse(req.params);
  const state = await runUpdate(deps.temporal, req, enc, m.acceptParticipantUpdate, { participantId });
  return { participants: participantsOf(state) };
}

/** The booked clinician admits one participant, within the configured maximum (VIDEO_MAX_PARTICIPANTS). */
export async function admit(deps: AppDeps, req: Request, enc: EncounterScope) {
  const { participantId } = ParticipantParams.parse(req.params);
  const maxParticipants = deps.config.meet.maxParticipants;
  const state = await runUpdate<{ participantId: string; maxInRoom?: number }>(
    deps.temporal,
    req,
    enc,
    m.admitParticipantUpdate,
    { participantId, maxInRoom: maxParticipants },
  );
  return { participants: participantsOf(state), inRoom: inRoom(state.participants ?? []), maxInRoom: maxParticipants };
}

/** Removes a participant: the workflow first, then its links (a removed participant's page also loses the room). */
export async function remove(deps: AppDeps, rooms: VideoRooms, req: Request, enc: EncounterScope) {
  const { participantId } = ParticipantParams.parse(req.params);
  const { reason } = RemoveBody.parse(req.body ?? {});
  const state = await runUpdate<{ participantId: string; reason?: string }>(
    deps.temporal,
    req,
    enc,
    m.removeParticipantUpdate,
    { participantId, ...(reason ? { reason } : {}) },
  );
  // Out of the room at once: its pages' tokens off the room's list and their publishers kicked, so neither
  // the page it has open nor a client that kept the room's PIN can go on (the links go too).
  const pages = await participantPages(req.em, enc.row.id, participantId);
  const room = await findVideoRoom(req.em, enc.row.id);
  if (room && !room.destroyedAt && pages.length)
    await rooms.expel(
      room.roomId,
      room.secret,
      {
        tokens: pages.map((p) => janusTokenOfKeyHash(p.sessionKeyHash)),
        publisherIds: pages.map((p) => p.publisherId),
      },
      room.janusServer ?? undefined,
    );
  const revoked = await revokeParticipantLinks(req.em, enc.row.id, participantId);
  return { participants: participantsOf(state), revokedLinks: revoked };
}

// ── The participant's page: its own waiting room ───────────────────────────────────────────────

/** What a participant's page sees of itself; a participant page is admitted when it is, not the patient. */
export function participantPageView(s: m.EncounterState, participantId: string | null) {
  if (!participantId) return {};
  const me = s.participants?.find((p) => p.id === participantId);
  return {
    admitted: me?.status === 'admitted',
    waitingNotes: [],
    participant: me ? { kind: me.kind, status: me.status, statusLabel: PARTICIPANT_STATUS_LABELS_SV[me.status] } : null,
  };
}

/** No room credentials before the clinician admitted this participant (409, as the patient's waiting room). */
export async function assertParticipantAdmitted(temporal: Client, row: EncounterRow, participantId: string) {
  const state = await liveState(temporal, row.workflowId);
  const me = state?.participants?.find((p) => p.id === participantId);
  if (me?.status !== 'admitted')
    throw new HttpError(409, 'Du är i väntrummet tills vårdgivaren släpper in dig.', undefined, 'WaitingRoom');
  return state!;
}

export async function signalParticipantPresence(
  temporal: Client,
  row: EncounterRow,
  participantId: string,
  present: boolean,
) {
  await temporal.workflow
    .getHandle(row.workflowId)
    .signal(present ? m.participantWaitingSignal : m.participantGoneSignal, {
      participantId,
      source: 'waiting-room-page',
    });
}

/**
 * The room takes as many publishers as are admitted (patient and clinician included), up to the
 * maximum; called before a page joins, so a room re-created after a Janus restart grows again too.
 */
export async function growRoom(
  temporal: Client,
  rooms: VideoRooms,
  row: EncounterRow,
  room: { roomId: string; secret: string },
  server: string | undefined,
  maxParticipants: number,
): Promise<void> {
  const state = await liveState(temporal, row.workflowId);
  const wanted = Math.min(maxInRoom(maxParticipants), inRoom(state?.participants ?? []));
  if (wanted > 2) await rooms.setPublishers(room.roomId, room.secret, wanted, server);
}

// ── The interpreter's one-time code and its page session (no login: the code is the identification) ──

/** The one-time-code participant a link is for, unused and not removed; 404/409 otherwise. */
async function codeParticipant(temporal: Client, req: Request) {
  const token = String(req.params.token);
  const found = await codeLink(req.em, token);
  if (!found) throw notFound('meeting link');
  const state = await liveState(temporal, m.encounterWorkflowId(found.encounterId));
  const p = state?.participants?.find((x) => x.id === found.participantId);
  if (!p || p.identification !== 'one-time-code' || p.status === 'removed')
    throw new HttpError(409, 'Länken öppnas inte med engångskod.', undefined, 'WrongStep');
  return { token, found, participant: p };
}

/** Sends a new code to the booked address (at most one a minute); the workflow sends it, the timeline shows it. */
export async function requestCode(temporal: Client, req: Request) {
  const { token, found, participant } = await codeParticipant(temporal, req);
  if (!(await askForCode(req.em, token)))
    throw new HttpError(429, tr(req.lang, 'meet.code.tooSoon'), undefined, 'rate-limited');
  await temporal.workflow.getHandle(m.encounterWorkflowId(found.encounterId)).signal(m.sendParticipantCodeSignal, {
    participantId: participant.id,
    linkHash: linkHashOf(token),
    source: 'participant-link',
  });
  const row = await encounterRow(req, found.encounterId);
  await logAccess(req, onEncounter(row, 'request-participant-code', { detail: { participantId: participant.id } }));
  return { sent: true, channel: participant.contact?.sms ? 'sms' : 'mail' };
}

/**
 * Checks the code and enters: the link is bound to this participant (`code:<id>`) and the page's key
 * is kept in this browser's session, so the key alone (without the cookie) opens nothing.
 */
export async function verifyCode(temporal: Client, req: Request) {
  const { token, found, participant } = await codeParticipant(temporal, req);
  const { code } = CodeBody.parse(req.body);
  const row = await encounterRow(req, found.encounterId);
  const verdict = await checkOneTimeCode(req.em, token, code);
  if (verdict !== 'ok') {
    await logAccess(
      req,
      onEncounter(row, 'verify-participant-code', {
        outcome: 'refused',
        detail: { participantId: participant.id, verdict },
      }),
    );
    // In the reader's language, as the code page is (Swedish unless the browser ranks English first).
    const messages = {
      wrong: tr(req.lang, 'meet.code.wrong'),
      expired: tr(req.lang, 'meet.code.expired'),
      locked: tr(req.lang, 'meet.code.locked'),
    } as const;
    throw new HttpError(verdict === 'locked' ? 410 : 400, messages[verdict], 'code', 'validation');
  }
  const entered = await req.em.transactional(async (tx) => {
    const e = await enterMeeting(tx, token, `code:${participant.id}`);
    if (e)
      await logAccess(
        req,
        onEncounter(row, 'open-meeting', { detail: { participantId: participant.id, actingAs: 'one-time-code' } }),
        tx,
      );
    return e;
  });
  if (!entered) throw new HttpError(410, tr(req.lang, 'meet.code.used'), undefined, 'WrongStep');
  await keepMeetingKey(req, entered);
  return { encounterId: entered.encounterId, key: entered.key };
}

export type GuestScope = { session: NonNullable<Awaited<ReturnType<typeof findMeetingSession>>>; row: EncounterRow };

/**
 * The code-identified interpreter's page: its key (X-Meeting-Key) must be the one this very browser's
 * session got at the code, for a code-bound link, within the link lifetime; 401 otherwise.
 */
export function guestPage(ttlSeconds: number): Guard<GuestScope> {
  return {
    grantees: ['anyone'],
    scope: async (req) => {
      const key = req.header('x-meeting-key');
      const session = await findMeetingSession(req.em, key);
      if (!guestHolds(req, session, key, ttlSeconds)) throw noMeetingSession();
      return { session: session!, row: await encounterRow(req, session!.encounterId) };
    },
  };
}

/** A guest page session holds: the code-bound link's key, kept in this browser's session, within the link lifetime. */
export function guestHolds(
  req: Request,
  session: Awaited<ReturnType<typeof findMeetingSession>>,
  key: string | undefined,
  ttlSeconds: number,
): boolean {
  if (!session || !key || !session.participantId || session.openedBy !== `code:${session.participantId}`) return false;
  if (session.openedAt.getTime() + ttlSeconds * 1000 < Date.now()) return false;
  return req.session?.meetings?.[session.encounterId] === key;
}
