/** Meeting pages (/meet/<token>) and their small API, plus the staff route that issues the links. */
import path from 'node:path';
import { Router, Request } from 'express';
import { buildSync } from 'esbuild';
import { z } from 'zod';
import type { UpdateDefinition } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { requireActor, staffOnly } from '../auth';
import { HttpError, notFound } from '../errors';
import { getEncounterRow } from '../../db/encounters';
import { findVideoRoom } from '../../db/video';
import { liveState } from '../encounters/service';
import * as S from '../encounters/schemas';
import * as m from '../../workflows/encounter.messages';
import { createRoomService } from '../../media/room-service';
import {
  findMeetingSession,
  issueEncounterMeetingLinks,
  janusTokenFor,
  LinkRefusal,
  MeetRole,
  openMeetingLink,
} from './links';

const ROOT = path.resolve(__dirname, '..', '..');
export const MEETING_BUNDLE_DIR = path.join(ROOT, 'dist', 'public');

/** Bundles the browser code once per process at app creation (about 0.2 s); no CDN, no separate build step to forget. */
let bundled = false;
export function buildMeetingBundle(): void {
  if (bundled) return;
  buildSync({
    entryPoints: [path.join(ROOT, 'media', 'browser', 'meeting.ts')],
    outfile: path.join(MEETING_BUNDLE_DIR, 'meeting.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome110',
    sourcemap: true,
    logLevel: 'warning',
  });
  bundled = true;
}

const REFUSALS: Record<LinkRefusal, { status: number; title: string; message: string }> = {
  unknown: {
    status: 404,
    title: 'Länken är ogiltig',
    message: 'Länken finns inte. Kontrollera att du har kopierat hela länken, eller be mottagningen om en ny.',
  },
  expired: {
    status: 410,
    title: 'Länken har gått ut',
    message: 'Länken gällde bara en kort tid. Be mottagningen om en ny länk.',
  },
  used: {
    status: 410,
    title: 'Länken är redan använd',
    message: 'Varje länk fungerar en gång. Be mottagningen om en ny länk om du behöver ansluta igen.',
  },
};

export function meetRouter(deps: AppDeps): Router {
  buildMeetingBundle();
  const router = Router();
  const { temporal, config } = deps;
  const rooms = deps.rooms ?? createRoomService(config);

  router.post('/api/encounters/:id/meeting-links', requireActor, staffOnly, async (req, res) => {
    const links = await issueEncounterMeetingLinks(req.em, req.actor, S.IdParam.parse(req.params).id, {
      publicUrl: config.web.publicUrl,
      ttlSeconds: config.meet.linkTtlSeconds,
    });
    res.status(201).json({ ...links, expiresAt: links.expiresAt.toISOString() });
  });

  router.get('/meet/:token', async (req, res) => {
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    const em = req.em;
    const opened = await openMeetingLink(em, req.params.token);
    if ('refused' in opened) {
      const r = REFUSALS[opened.refused];
      res
        .status(r.status)
        .render('meet/refused', { layout: 'meet', title: r.title, message: r.message, reason: opened.refused });
      return;
    }
    const row = await getEncounterRow(em, opened.encounterId);
    if (!row) throw notFound('encounter');
    await audit(
      em,
      { id: `meet:${opened.role}`, role: opened.role },
      'open-meeting',
      `encounter:${opened.encounterId}`,
      [row.patientId],
    );
    res.render('meet/room', {
      layout: 'meet',
      title: opened.role === 'clinician' ? 'Vårdmöte – vårdgivare' : 'Vårdmöte',
      role: opened.role,
      isClinician: opened.role === 'clinician',
      clinician: row.clinicianName ? { name: row.clinicianName, title: row.clinicianTitle } : null,
      checklist: m.CHECKLIST_ITEMS.map((k) => ({ key: k, label: m.CHECKLIST_LABELS_SV[k] })),
      // Inside <script>: escape '<' so no name can close the tag.
      meeting: JSON.stringify({
        role: opened.role,
        key: opened.key,
        displayName:
          opened.role === 'clinician' && row.clinicianName ? `${row.clinicianTitle} ${row.clinicianName}` : 'Patient',
      }).replace(/</g, '\\u003c'),
    });
  });

  /** The meeting page's session (X-Meeting-Key) and the encounter behind it. */
  const pageSession = async (req: Request) => {
    const em = req.em;
    const session = await findMeetingSession(em, req.header('x-meeting-key'));
    if (!session)
      throw new HttpError(
        401,
        'x-meeting-key: unknown meeting session; open the meeting link again',
        'x-meeting-key',
        'unauthenticated',
      );
    const row = await getEncounterRow(em, session.encounterId);
    if (!row) throw notFound('encounter');
    return { em, session, row };
  };

  const view = (s: m.EncounterState) => ({
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
  });

  router.get('/meet/api/state', async (req, res) => {
    const { row } = await pageSession(req);
    const state = await liveState(temporal, row.workflowId);
    if (!state) throw notFound('encounter');
    res.set('cache-control', 'no-store').json(view(state));
  });

  router.get('/meet/api/join', async (req, res) => {
    const { em, session, row } = await pageSession(req);
    const room = await findVideoRoom(em, row.id);
    if (!room || room.destroyedAt) throw new HttpError(409, 'the video room is not open', undefined, 'WrongStep');
    // The room admits listed tokens only.
    const janusToken = janusTokenFor(req.header('x-meeting-key')!);
    await rooms.allow(room.roomId, room.secret, janusToken);
    res.set('cache-control', 'no-store').json({
      wsUrl: config.janus.publicWsUrl,
      roomId: room.roomId,
      pin: room.pin,
      janusToken,
      publisherId: session.publisherId,
    });
  });

  /** Runs a clinician action as the encounter's booked clinician. */
  const clinicianUpdate = async <A>(
    req: Request,
    def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
    arg: A,
  ) => {
    const { em, session, row } = await pageSession(req);
    if (session.role !== ('clinician' satisfies MeetRole))
      throw new HttpError(403, 'only the clinician can do this', undefined, 'forbidden');
    // The booked clinician, as reserved with the slot; the workflow's validator checks it again.
    if (!row.clinicianId) throw new HttpError(409, 'the encounter is not booked', undefined, 'WrongStep');
    const actor: m.Actor = { id: row.clinicianId, role: 'clinician', name: 'via meeting page' };
    await audit(em, actor, `meet:${def.name}`, `encounter:${row.id}`, [row.patientId]);
    return view(await temporal.workflow.getHandle(row.workflowId).executeUpdate(def, { args: [{ ...arg, actor }] }));
  };

  router.post('/meet/api/checklist', async (req, res) =>
    res.json(await clinicianUpdate(req, m.confirmChecklistUpdate, { items: S.Checklist.parse(req.body).items })),
  );
  router.post('/meet/api/admit', async (req, res) => res.json(await clinicianUpdate(req, m.admitPatientUpdate, {})));
  router.post('/meet/api/end', async (req, res) => res.json(await clinicianUpdate(req, m.endSessionUpdate, {})));
  router.post('/meet/api/phone', async (req, res) =>
    res.json(
      await clinicianUpdate(req, m.switchToPhoneUpdate, {
        error: z.object({ error: z.string().min(1).max(1000) }).parse(req.body).error,
      }),
    ),
  );

  return router;
}
