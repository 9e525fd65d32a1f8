/**
 * Meeting pages and their small API. A link leads to a login; the logged-in person (the patient, a
 * guardian the rules allow, or the booked clinician) enters with a POST, and the page then acts with
 * its session cookie, its CSRF token and its meeting key. The waiting room is the server's: the
 * patient's page gets the room's Janus credentials only once the clinician has admitted them.
 */
import path from 'node:path';
import { Router, Request, Response } from 'express';
import { buildSync } from 'esbuild';
import { z } from 'zod';
import type { UpdateDefinition } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { actorForEncounter, allow } from '../http/access';
import { logAccess } from '../http/audit';
import { principalId, saveSession } from '../auth';
import { HttpError, notFound } from '../http/errors';
import { EncounterRow, getEncounterRow } from '../../db/encounters';
import { recordDeviation } from '../../db/deviations';
import { patientWithGuardians } from '../../db/people';
import { findVideoRoom } from '../../db/video';
import { decideProxy, ProxyRefusal } from '../../domain/guardianship';
import { stockholmDateOf } from '../../domain/dates';
import { liveState } from '../encounters/service';
import * as S from '../encounters/schemas';
import * as m from '../../workflows/encounter.messages';
import { createRoomService } from '../../media/room-service';
import {
  enterMeeting,
  findMeetingSession,
  inspectMeetingLink,
  issueMeetingLinks,
  janusTokenFor,
  LinkRefusal,
  revokeMeetingLinks,
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

const ASK_FOR_NEW = 'Be mottagningen om en ny länk.';
const LINK_REFUSALS: Record<LinkRefusal, { status: number; title: string; message: string }> = {
  unknown: {
    status: 404,
    title: 'Länken är ogiltig',
    message: 'Länken finns inte. Kontrollera att du har kopierat hela länken, eller be mottagningen om en ny.',
  },
  expired: { status: 410, title: 'Länken har gått ut', message: `Länken gällde bara en kort tid. ${ASK_FOR_NEW}` },
  used: {
    status: 410,
    title: 'Länken är redan använd',
    message: `Länken har redan öppnats av en annan person. ${ASK_FOR_NEW}`,
  },
  revoked: {
    status: 410,
    title: 'Länken är återkallad',
    message: `Mottagningen har ersatt eller dragit in länken. ${ASK_FOR_NEW}`,
  },
};

/** Why an e-ID login may not enter a patient's meeting, in words the person understands (RULES.md §4). */
const PROXY_REFUSALS: Record<ProxyRefusal, string> = {
  'loa-too-low': 'Din e-legitimation har för låg tillitsnivå. Logga in med BankID eller Freja eID+.',
  mismatch:
    'Du är inte patienten i det här vårdmötet och inte registrerad vårdnadshavare. Länken kan ha hamnat hos fel person – kontakta mottagningen.',
  'child-13-or-older': 'Från 13 år loggar barnet in med sin egen e-legitimation. Barnet behöver själv öppna länken.',
  'child-protected':
    'Ett barn med skyddad identitet kan inte företrädas av vårdnadshavare i e-tjänster. Kontakta mottagningen för ett annat sätt att mötas.',
  'guardian-protected':
    'En vårdnadshavare med skyddad identitet kan inte företräda barnet i e-tjänster. Kontakta mottagningen.',
  'guardian-blocked': 'Mottagningen har spärrat vårdnadshavares åtkomst i e-tjänster för det här barnet.',
};

const refusedPage = (res: Response, status: number, title: string, message: string, reason: string) =>
  res.status(status).render('meet/refused', { layout: 'meet', title, message, reason });

export function meetRouter(deps: AppDeps): Router {
  buildMeetingBundle();
  const router = Router();
  const { temporal, config } = deps;
  const rooms = deps.rooms ?? createRoomService(config);

  router.post('/api/encounters/:id/meeting-links', allow('care_admin', 'clinician'), async (req, res) => {
    const links = await issueLinksFor(req, S.IdParam.parse(req.params).id, config);
    res
      .status(201)
      .set('cache-control', 'no-store')
      .json({ ...links, expiresAt: links.expiresAt.toISOString() });
  });
  router.delete('/api/encounters/:id/meeting-links', allow('care_admin', 'clinician'), async (req, res) => {
    const row = await encounterRow(req, S.IdParam.parse(req.params).id);
    await actorForEncounter(req, row, ['care_admin', 'clinician']);
    const revoked = await req.em.transactional(async (tx) => {
      const n = await revokeMeetingLinks(tx, row.id);
      await logAccess(
        req,
        { action: 'revoke-meeting-links', target: `encounter:${row.id}`, patientIds: [row.patientId] },
        tx,
      );
      return n;
    });
    res.json({ revoked });
  });

  /**
   * Whether the logged-in caller may enter through this link. A person for the patient's link must
   * be the patient or a guardian the rules allow (else a deviation); staff for the clinician's link
   * must be the booked clinician.
   */
  const mayEnter = async (
    req: Request,
    row: EncounterRow,
    role: 'patient' | 'clinician',
  ): Promise<
    { ok: true; actingAs: string } | { ok: false; status: number; title: string; message: string; reason: string }
  > => {
    const p = req.principal!;
    if (role === 'clinician') {
      if (p.kind === 'staff' && p.clinicianId && p.clinicianId === row.clinicianId)
        return { ok: true, actingAs: 'clinician' };
      return {
        ok: false,
        status: 403,
        title: 'Länken gäller vårdgivaren',
        message: 'Länken är till den vårdgivare som mötet är bokat med. Logga in med det kortet (SITHS).',
        reason: 'not-booked-clinician',
      };
    }
    if (p.kind !== 'person')
      return {
        ok: false,
        status: 403,
        title: 'Länken gäller patienten',
        message: 'Länken är till patienten och öppnas med patientens e-legitimation (BankID eller Freja eID+).',
        reason: 'not-a-person',
      };
    const people = await patientWithGuardians(req.em, row.patientId);
    const decision = decideProxy({
      ...people!,
      verified: { personnummer: p.personnummer, loa: p.loa },
      date: stockholmDateOf(new Date()),
    });
    if (decision.allowed) return { ok: true, actingAs: decision.actingAs };
    // Someone else holds the patient's link: that is a deviation, once per person and encounter.
    await recordDeviation(req.em, {
      encounterId: row.id,
      category: 'identity-failure',
      severity: decision.reason === 'mismatch' ? 'high' : 'medium',
      description: `Mötets patientlänk öppnades av en person som inte får företräda patienten (${decision.reason}).`,
      dedupeKey: `meeting-link:${row.id}:${decision.reason}:${principalId(p)}`,
    });
    return {
      ok: false,
      status: 403,
      title: 'Du kan inte öppna det här mötet',
      message: PROXY_REFUSALS[decision.reason],
      reason: decision.reason,
    };
  };

  /** The link, checked for the caller; renders the answer itself and returns null when it refused. */
  const checkLink = async (req: Request, res: Response) => {
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    const token = String(req.params.token);
    const p = req.principal;
    const link = await inspectMeetingLink(req.em, token, p ? principalId(p) : '');
    if ('refused' in link) {
      const r = LINK_REFUSALS[link.refused];
      refusedPage(res, r.status, r.title, r.message, link.refused);
      return null;
    }
    if (!p) {
      res.redirect(
        `/login/${link.role === 'clinician' ? 'staff' : 'patient'}?returnTo=${encodeURIComponent(`/meet/${token}`)}`,
      );
      return null;
    }
    const row = await encounterRow(req, link.encounterId);
    const verdict = await mayEnter(req, row, link.role);
    if (!verdict.ok) {
      await logAccess(req, {
        action: 'open-meeting',
        target: `encounter:${row.id}`,
        patientIds: [row.patientId],
        outcome: 'refused',
        detail: { reason: verdict.reason },
      });
      refusedPage(res, verdict.status, verdict.title, verdict.message, verdict.reason);
      return null;
    }
    return { token, link, row, actingAs: verdict.actingAs };
  };

  // A GET only shows the way in (mail scanners and previews fetch links); entering is the POST below.
  router.get('/meet/:token', allow('anyone'), async (req, res) => {
    const ok = await checkLink(req, res);
    if (!ok) return;
    await logAccess(req, {
      action: 'view-meeting-link',
      target: `encounter:${ok.row.id}`,
      patientIds: [ok.row.patientId],
    });
    res.render('meet/enter', {
      layout: 'meet',
      title: 'Gå till vårdmötet',
      token: ok.token,
      isClinician: ok.link.role === 'clinician',
      who: req.principal!.kind === 'staff' ? req.principal!.name : (req.principal as { name: string }).name,
      actingAsGuardian: ok.actingAs === 'guardian',
      patientName: ok.row.patientName,
      clinician: ok.row.clinicianName ? `${ok.row.clinicianTitle} ${ok.row.clinicianName}` : null,
      startsAt: ok.row.scheduledStart,
    });
  });

  router.post('/meet/:token', allow('patient', 'clinician'), async (req, res) => {
    const ok = await checkLink(req, res);
    if (!ok) return;
    // Binding the link and its access-log row commit together.
    const entered = await req.em.transactional(async (tx) => {
      const e = await enterMeeting(tx, ok.token, principalId(req.principal!));
      if (e)
        await logAccess(
          req,
          {
            action: 'open-meeting',
            target: `encounter:${ok.row.id}`,
            patientIds: [ok.row.patientId],
            detail: { actingAs: ok.actingAs },
          },
          tx,
        );
      return e;
    });
    if (!entered) {
      const r = LINK_REFUSALS.used;
      return void refusedPage(res, r.status, r.title, r.message, 'used');
    }
    req.session.meetings = { ...req.session.meetings, [entered.encounterId]: entered.key };
    await saveSession(req);
    res.redirect(303, `/meet/room/${entered.encounterId}`);
  });

  router.get('/meet/room/:id', allow('patient', 'clinician'), async (req, res) => {
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    const { id } = S.IdParam.parse(req.params);
    const key = req.session.meetings?.[id];
    const session = await findMeetingSession(req.em, key);
    if (!session || session.openedBy !== principalId(req.principal!))
      return void refusedPage(
        res,
        403,
        'Öppna mötet via din länk',
        'Öppna mötet med länken du fick, igen.',
        'no-meeting-session',
      );
    const row = await encounterRow(req, id);
    await logAccess(req, { action: 'open-meeting-room', target: `encounter:${id}`, patientIds: [row.patientId] });
    res.render('meet/room', {
      layout: 'meet',
      title: session.role === 'clinician' ? 'Vårdmöte – vårdgivare' : 'Vårdmöte',
      role: session.role,
      isClinician: session.role === 'clinician',
      clinician: row.clinicianName ? { name: row.clinicianName, title: row.clinicianTitle } : null,
      checklist: m.CHECKLIST_ITEMS.map((k) => ({ key: k, label: m.CHECKLIST_LABELS_SV[k] })),
      // A JSON block, not a script: the page's CSP runs no inline code. '<' is escaped so no name can close the tag.
      meeting: JSON.stringify({
        role: session.role,
        key: key!,
        csrfToken: res.locals.csrfToken,
        displayName:
          session.role === 'clinician' && row.clinicianName ? `${row.clinicianTitle} ${row.clinicianName}` : 'Patient',
      }).replace(/</g, '\\u003c'),
    });
  });

  /** The meeting page's session: its key, opened by this very person, and the encounter behind it. */
  const pageSession = async (req: Request) => {
    const session = await findMeetingSession(req.em, req.header('x-meeting-key'));
    if (!session || session.openedBy !== principalId(req.principal!))
      throw new HttpError(
        401,
        'x-meeting-key: unknown meeting session; open the meeting link again',
        'x-meeting-key',
        'unauthenticated',
      );
    const row = await encounterRow(req, session.encounterId);
    return { session, row };
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

  const MEETING_PAGES = ['patient', 'clinician'] as const;

  router.get('/meet/api/state', allow(...MEETING_PAGES), async (req, res) => {
    const { row } = await pageSession(req);
    const state = await liveState(temporal, row.workflowId);
    if (!state) throw notFound('encounter');
    res.set('cache-control', 'no-store').json(view(state));
  });

  router.get('/meet/api/join', allow(...MEETING_PAGES), async (req, res) => {
    const { session, row } = await pageSession(req);
    const room = await findVideoRoom(req.em, row.id);
    if (!room || room.destroyedAt) throw new HttpError(409, 'the video room is not open', undefined, 'WrongStep');
    if (session.role === 'patient') {
      // The waiting room: no credentials, so no media either way, until the clinician admits.
      const state = await liveState(temporal, row.workflowId);
      if (!state?.sessionStartedAt)
        throw new HttpError(409, 'Du är i väntrummet tills vårdgivaren släpper in dig.', undefined, 'WaitingRoom');
    }
    // The room admits listed tokens only.
    const janusToken = janusTokenFor(req.header('x-meeting-key')!);
    await rooms.allow(room.roomId, room.secret, janusToken);
    await logAccess(req, { action: 'join-video', target: `encounter:${row.id}`, patientIds: [row.patientId] });
    res.set('cache-control', 'no-store').json({
      wsUrl: config.janus.publicWsUrl,
      roomId: room.roomId,
      pin: room.pin,
      janusToken,
      publisherId: session.publisherId,
    });
  });

  /** The patient's page says it is in the waiting room (or has left it): presence from the logged-in page. */
  router.post('/meet/api/presence', allow('patient'), async (req, res) => {
    const { present } = z.object({ present: z.boolean() }).strict().parse(req.body);
    const { session, row } = await pageSession(req);
    if (session.role !== 'patient')
      throw new HttpError(403, 'only the patient page reports waiting-room presence', undefined, 'forbidden');
    const signal = present ? m.participantJoinedSignal : m.participantLeftSignal;
    await temporal.workflow.getHandle(row.workflowId).signal(signal, { role: 'patient', source: 'waiting-room-page' });
    await logAccess(req, {
      action: present ? 'enter-waiting-room' : 'leave-waiting-room',
      target: `encounter:${row.id}`,
      patientIds: [row.patientId],
    });
    res.status(202).json({ accepted: true });
  });

  /** Runs a clinician action as the logged-in booked clinician. */
  const clinicianUpdate = async <A>(
    req: Request,
    def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
    arg: A,
  ) => {
    const { session, row } = await pageSession(req);
    if (session.role !== 'clinician')
      throw new HttpError(403, 'only the clinician can do this', undefined, 'forbidden');
    const actor = await actorForEncounter(req, row, ['clinician']);
    try {
      const state = await temporal.workflow.getHandle(row.workflowId).executeUpdate(def, { args: [{ ...arg, actor }] });
      await logAccess(req, { action: `meet:${def.name}`, target: `encounter:${row.id}`, patientIds: [row.patientId] });
      return view(state);
    } catch (err) {
      await logAccess(req, {
        action: `meet:${def.name}`,
        target: `encounter:${row.id}`,
        patientIds: [row.patientId],
        outcome: 'refused',
      });
      throw err;
    }
  };

  router.post('/meet/api/checklist', allow('clinician'), async (req, res) =>
    res.json(await clinicianUpdate(req, m.confirmChecklistUpdate, { items: S.Checklist.parse(req.body).items })),
  );
  router.post('/meet/api/admit', allow('clinician'), async (req, res) =>
    res.json(await clinicianUpdate(req, m.admitPatientUpdate, {})),
  );
  router.post('/meet/api/end', allow('clinician'), async (req, res) =>
    res.json(await clinicianUpdate(req, m.endSessionUpdate, {})),
  );
  router.post('/meet/api/phone', allow('clinician'), async (req, res) =>
    res.json(
      await clinicianUpdate(req, m.switchToPhoneUpdate, {
        error: z.object({ error: z.string().min(1).max(1000) }).parse(req.body).error,
      }),
    ),
  );

  return router;
}

/** Staff asking for an encounter's links: 404 for none, 403 outside their units, 409 once it has ended; logged. */
export async function issueLinksFor(
  req: Request,
  encounterId: string,
  config: AppDeps['config'],
): Promise<{ patientUrl: string; clinicianUrl: string; expiresAt: Date }> {
  const row = await encounterRow(req, encounterId);
  await actorForEncounter(req, row, ['care_admin', 'clinician']);
  if (m.isTerminal(row.status as m.EncounterStatus))
    throw new HttpError(409, `the encounter is ${row.status}; no meeting links`, undefined, 'WrongStep');
  return issueMeetingLinks(
    req.em,
    encounterId,
    principalId(req.principal!),
    { publicUrl: config.web.publicUrl, ttlSeconds: config.meet.linkTtlSeconds },
    (tx) =>
      logAccess(
        req,
        { action: 'issue-meeting-links', target: `encounter:${encounterId}`, patientIds: [row.patientId] },
        tx,
      ),
  );
}

async function encounterRow(req: Request, id: string): Promise<EncounterRow> {
  const row = await getEncounterRow(req.em, id);
  if (!row) throw notFound('encounter');
  return row;
}

declare module 'express-session' {
  interface SessionData {
    /** Meeting page keys by encounter id, for the rooms this browser entered. */
    meetings?: Record<string, string>;
  }
}
