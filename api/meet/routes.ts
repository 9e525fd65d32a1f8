/**
 * Meeting pages and their small API. A link leads to a login; the logged-in person (the patient, a
 * guardian the rules allow, or the booked clinician) enters with a POST, and the page then acts with
 * its session cookie, its CSRF token and its meeting key. The waiting room is the server's: the
 * patient's page gets the room's Janus credentials only once the clinician has admitted them.
 */
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { anyone, encounterScoped, roles } from '../http/guards';
import { del, get, post, type RouteDef } from '../http/route';
import * as S from '../encounters/schemas';
import * as m from '../../workflows/encounter.messages';
import { createRoomService } from '../../media/room-service';
import { revokeLinks } from '../admin/actions';
import { buildMeetingBundle } from './bundle';
import { enterRoom, joinVideo, reportPresence, showEntry, showRoom } from './pages';
import { clinicianAction, issueLinksFor, meetingPage } from './service';
import * as P from './participants';
import { MeetingChats } from './chat';
import { admitFromPage, postChat, roomState } from './room';
import { isFormPost, sendCodeFromPage, verifyCodeFromPage } from './guest';

const MEETING_PAGES = ['patient', 'clinician'] as const;

export function meetRoutes(deps: AppDeps): RouteDef[] {
  buildMeetingBundle();
  const { temporal, config } = deps;
  const rooms = deps.rooms ?? createRoomService(config);
  const ttl = config.meet.linkTtlSeconds;
  const PAGE = meetingPage(ttl, [...MEETING_PAGES]);
  const CLINICIAN_PAGE = meetingPage(ttl, ['clinician'], 'clinician');
  const clinician = <A>(path: string, def: Parameters<typeof clinicianAction<A>>[3], arg: (body: unknown) => A) =>
    post(
      path,
      CLINICIAN_PAGE,
      async (req, res, page) => void res.json(await clinicianAction(temporal, req, page, def, arg(req.body))),
    );
  const LINKS = encounterScoped('care_admin', 'clinician');
  const GUEST_PAGE = P.guestPage(ttl);
  const presence = z.object({ present: z.boolean() }).strict();
  // The meetings' chats, in this process only while each meeting lasts (issue 26; docs/video.md).
  const chats = new MeetingChats();
  return [
    post('/api/encounters/:id/meeting-links', LINKS, async (req, res, enc) => {
      const links = await issueLinksFor(req, enc, config);
      res.status(201).json({ ...links, expiresAt: links.expiresAt.toISOString() });
    }),
    del(
      '/api/encounters/:id/meeting-links',
      LINKS,
      async (req, res, enc) => void res.json({ revoked: await revokeLinks(req, enc) }),
    ),
    // A GET only shows the way in (mail scanners and previews fetch links); entering is the POST below.
    get('/meet/:token', anyone, (req, res) => showEntry(req, res, temporal)),
    post('/meet/:token', roles(...MEETING_PAGES), (req, res) => enterRoom(req, res, temporal)),
    get('/meet/room/:id', roles(...MEETING_PAGES), (req, res) => showRoom(req, res, ttl)),
    get(
      '/meet/api/state',
      PAGE,
      async (req, res, page) => void res.json(await roomState(temporal, chats, req, page, req.lang)),
    ),
    get('/meet/api/join', PAGE, async (req, res, page) => void res.json(await joinVideo(deps, rooms, req, page))),
    // The patient's page and each participant's (a colleague is staff): presence in its own waiting room.
    post('/meet/api/presence', PAGE, async (req, res, page) => {
      await reportPresence(temporal, req, page, presence.parse(req.body).present);
      res.status(202).json({ accepted: true });
    }),
    clinician('/meet/api/checklist', m.confirmChecklistUpdate, (b) => ({ items: S.Checklist.parse(b).items })),
    clinician('/meet/api/admit', m.admitPatientUpdate, () => ({})),
    clinician('/meet/api/end', m.endSessionUpdate, () => ({})),
    // More than two (issue 26): the clinician's page admits each waiting participant; the admitted write in the chat.
    post(
      '/meet/api/participants/:participantId/admit',
      CLINICIAN_PAGE,
      async (req, res, page) => void res.json(await admitFromPage(deps, req, page)),
    ),
    post(
      '/meet/api/chat',
      PAGE,
      async (req, res, page) => void res.status(201).json(await postChat(temporal, chats, req, page)),
    ),
    clinician('/meet/api/phone', m.switchToPhoneUpdate, (b) => ({
      error: z.object({ error: z.string().min(1).max(1000) }).parse(b).error,
    })),
    // Participants (issue 26): staff invite and remove, the patient accepts a relative, the clinician admits.
    post(
      '/api/encounters/:id/participants/invitations',
      encounterScoped('care_admin', 'clinician', 'patient'),
      async (req, res, enc) => {
        res.status(201).json(await P.invite(deps, req, enc));
      },
    ),
    post('/api/encounters/:id/participants/:participantId/link', LINKS, async (req, res, enc) => {
      res.status(201).json(await P.newLink(deps, req, enc));
    }),
    post(
      '/api/encounters/:id/participants/:participantId/accept',
      encounterScoped('patient'),
      async (req, res, enc) => void res.json(await P.accept(deps, req, enc)),
    ),
    post(
      '/api/encounters/:id/participants/:participantId/admit',
      encounterScoped('clinician'),
      async (req, res, enc) => void res.json(await P.admit(deps, req, enc)),
    ),
    post(
      '/api/encounters/:id/participants/:participantId/remove',
      LINKS,
      async (req, res, enc) => void res.json(await P.remove(deps, rooms, req, enc)),
    ),
    // The interpreter without Swedish e-ID: a one-time code to the booked address is its identification.
    // Its link's page posts these as forms (api/meet/guest.ts) and is answered with the page; JSON callers with JSON.
    post('/meet/:token/code', anyone, async (req, res) =>
      isFormPost(req)
        ? sendCodeFromPage(temporal, req, res)
        : void res.status(202).json(await P.requestCode(temporal, req)),
    ),
    post('/meet/:token/code/verify', anyone, async (req, res) =>
      isFormPost(req) ? verifyCodeFromPage(temporal, req, res) : void res.json(await P.verifyCode(temporal, req)),
    ),
    // The meeting page of the interpreter who entered with the code: the same page, driven by /meet/api/guest/*.
    get('/meet/guest/:id', anyone, (req, res) => showRoom(req, res, ttl, true)),
    get(
      '/meet/api/guest/state',
      GUEST_PAGE,
      async (req, res, page) => void res.json(await roomState(temporal, chats, req, page, req.lang)),
      // A meeting page's own calls (it polls), counted as the API's, not as anonymous visits.
      { rate: 'api' },
    ),
    get(
      '/meet/api/guest/join',
      GUEST_PAGE,
      async (req, res, page) => void res.json(await joinVideo(deps, rooms, req, page)),
      { rate: 'api' },
    ),
    // The same checks as /meet/api/chat: admitted now, access-logged without the text; the key and this session.
    post(
      '/meet/api/guest/chat',
      GUEST_PAGE,
      async (req, res, page) => void res.status(201).json(await postChat(temporal, chats, req, page)),
      { rate: 'api' },
    ),
    post(
      '/meet/api/guest/presence',
      GUEST_PAGE,
      async (req, res, page) => {
        await reportPresence(temporal, req, page, presence.parse(req.body).present);
        res.status(202).json({ accepted: true });
      },
      { rate: 'api' },
    ),
  ];
}
