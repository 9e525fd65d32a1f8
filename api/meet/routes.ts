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
import { enterRoom, joinVideo, reportPresence, showEntry, showRoom, meetingState } from './pages';
import { clinicianAction, issueLinksFor, meetingPage } from './service';

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
    get('/meet/:token', anyone, showEntry),
    post('/meet/:token', roles(...MEETING_PAGES), enterRoom),
    get('/meet/room/:id', roles(...MEETING_PAGES), (req, res) => showRoom(req, res, ttl)),
    get('/meet/api/state', PAGE, async (_req, res, page) => void res.json(await meetingState(temporal, page))),
    get('/meet/api/join', PAGE, async (req, res, page) => void res.json(await joinVideo(deps, rooms, req, page))),
    post('/meet/api/presence', meetingPage(ttl, ['patient'], 'patient'), async (req, res, page) => {
      await reportPresence(temporal, req, page, z.object({ present: z.boolean() }).strict().parse(req.body).present);
      res.status(202).json({ accepted: true });
    }),
    clinician('/meet/api/checklist', m.confirmChecklistUpdate, (b) => ({ items: S.Checklist.parse(b).items })),
    clinician('/meet/api/admit', m.admitPatientUpdate, () => ({})),
    clinician('/meet/api/end', m.endSessionUpdate, () => ({})),
    clinician('/meet/api/phone', m.switchToPhoneUpdate, (b) => ({
      error: z.object({ error: z.string().min(1).max(1000) }).parse(b).error,
    })),
  ];
}
