/**
 * The meeting page for more than two (issue 26, phase 2): who is behind each Janus publisher (name and
 * role under every video), the participants the clinician's page admits, and the chat of the admitted.
 */
import type { Request } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { actorForEncounter } from '../http/access';
import { logAccess, onEncounter } from '../http/audit';
import { HttpError, notFound } from '../http/errors';
import { liveState } from '../encounters/service';
import { runUpdate } from '../encounters/updates';
import { meetingPublishers } from '../../db/video';
import { findStaffByHsaId } from '../../db/staff';
import { findClinician } from '../../db/care';
import type { EncounterRow } from '../../db/encounters';
import type { MeetRole } from '../../db/entities';
import type { Lang } from '../../domain/i18n';
import * as m from '../../workflows/encounter.messages';
import { participantPageView, participantView } from './participants';
import { meetingView, type PageScope } from './service';
import { CHAT_TEXT_MAX, type MeetingChats } from './chat';

/** A person in the room as the others see them: a role code (each page words it) and a name. */
export interface RoomPerson {
  publisherId: string;
  role: MeetRole;
  /** Staff with title and name (the seed's name-badge rule). */
  name: string;
  /** The interpreter's language, the colleague's unit. */
  detail?: string;
}

/** Who a page session is, by its role and participant (the colleague's title from the staff register). */
async function personOf(
  req: Request,
  row: EncounterRow,
  state: m.EncounterState,
  s: { role: MeetRole; participantId: string | null; openedBy: string },
): Promise<Omit<RoomPerson, 'publisherId'> | null> {
  if (s.role === 'patient') return { role: 'patient', name: row.patientName };
  if (s.role === 'clinician')
    return { role: 'clinician', name: [row.clinicianTitle, row.clinicianName].filter(Boolean).join(' ') };
  const p = state.participants?.find((x) => x.id === s.participantId);
  if (!p || p.status === 'removed') return null;
  if (p.kind === 'colleague') {
    // As the name badge has it: the bookable clinician's title and name, else the staff register's.
    const staff = await findStaffByHsaId(req.em, s.openedBy);
    const clinician = staff?.clinicianId ? await findClinician(req.em, staff.clinicianId) : null;
    const name = clinician
      ? `${clinician.title} ${clinician.givenName} ${clinician.familyName}`
      : staff
        ? `${staff.title} ${staff.name}`
        : p.name;
    return { role: p.kind, name, detail: p.unit?.name };
  }
  return { role: p.kind, name: p.name, ...(p.language ? { detail: p.language } : {}) };
}

/** Everyone admitted (or who was), by their Janus publisher id; only admitted pages are told. */
async function roster(req: Request, row: EncounterRow, state: m.EncounterState): Promise<RoomPerson[]> {
  const out: RoomPerson[] = [];
  for (const s of await meetingPublishers(req.em, row.id)) {
    const p = state.participants?.find((x) => x.id === s.participantId);
    if (s.participantId && !p?.tookPart) continue;
    const person = await personOf(req, row, state, s);
    if (person) out.push({ publisherId: s.publisherId, ...person });
  }
  return out;
}

/** The page's view of the state, and whether it may be in the room now (admitted, not ended). */
async function pageView(temporal: Client, { row, session }: PageScope, lang: Lang) {
  const state = await liveState(temporal, row.workflowId);
  if (!state) throw notFound('encounter');
  // A participant's page is admitted when that participant is (issue 26), not when the patient is.
  const view = { ...meetingView(state, lang), ...participantPageView(state, session.participantId) };
  return { state, view, inRoom: view.admitted && !view.ended };
}

/**
 * The meeting page's state: for an admitted page also who is behind each video and the chat after
 * `chatAfter`; for the clinician's page the participants it admits. A meeting that ended drops its chat.
 */
export async function roomState(temporal: Client, chats: MeetingChats, req: Request, page: PageScope, lang: Lang) {
  const { state, view, inRoom } = await pageView(temporal, page, lang);
  if (view.ended) chats.clear(page.row.id);
  const after = Number(req.query.chatAfter ?? 0);
  // A participant admitted later reads the chat from its admission on, not what was written before it.
  const me = page.session.participantId ? state.participants?.find((p) => p.id === page.session.participantId) : null;
  const from = me?.admittedAt ?? '';
  return {
    ...view,
    ...(page.session.role === 'clinician'
      ? { participants: (state.participants ?? []).filter((p) => p.status !== 'removed').map(participantView) }
      : {}),
    ...(inRoom
      ? {
          people: await roster(req, page.row, state),
          chat: chats.since(page.row.id, Number.isInteger(after) && after > 0 ? after : 0).filter((c) => c.at >= from),
        }
      : {}),
  };
}

const ChatBody = z.object({ text: z.string().trim().min(1).max(CHAT_TEXT_MAX) }).strict();

/** A message from an admitted page; the access log notes that one was written, never its text. */
export async function postChat(temporal: Client, chats: MeetingChats, req: Request, page: PageScope) {
  const { text } = ChatBody.parse(req.body);
  const { state, inRoom } = await pageView(temporal, page, req.lang);
  if (!inRoom) throw new HttpError(409, 'Chatten är öppen för dem som är insläppta i mötet.', undefined, 'WaitingRoom');
  const from = await personOf(req, page.row, state, page.session);
  if (!from) throw new HttpError(403, 'not a participant of this meeting', undefined, 'forbidden');
  const msg = chats.post(page.row.id, { role: from.role, name: from.name }, text);
  await logAccess(req, onEncounter(page.row, 'post-meeting-chat', { detail: { seq: msg.seq } }));
  return msg;
}

const AdmitParams = z.object({ participantId: z.string().uuid() });

/** The booked clinician admits a waiting participant from the meeting page (its key, CSRF, access log). */
export async function admitFromPage({ temporal, config }: AppDeps, req: Request, { row }: PageScope) {
  const { participantId } = AdmitParams.parse(req.params);
  const scope = { row, actor: await actorForEncounter(req, row, ['clinician']), principal: req.principal! };
  const state = await runUpdate<{ participantId: string; maxInRoom?: number }>(
    temporal,
    req,
    scope,
    m.admitParticipantUpdate,
    { participantId, maxInRoom: config.meet.maxParticipants },
    'meet:admitParticipant',
  );
  return { participants: (state.participants ?? []).filter((p) => p.status !== 'removed').map(participantView) };
}
