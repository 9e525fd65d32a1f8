/**
 * The sink for Janus' HTTP event handler (sampleevh): checks the shared secret, maps VideoRoom and
 * WebRTC events to encounters, and signals the encounter workflow when someone's presence changes.
 * Repeated and stale events (older than the newest seen for that participant) change nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { sharedSecret } from '../http/guards';
import { post, type RouteDef } from '../http/route';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps';
import * as m from '../../workflows/encounter.messages';
import { applyParticipantEvent as applyEvent, findJanusHandle, findPublisher } from '../../db/video';
import { videoRoomId } from '../../media/rooms';
import type { MeetRole } from './links';

const JanusEvent = z.object({
  type: z.number().int(),
  timestamp: z.number().int().nonnegative(),
  session_id: z.number().optional(),
  handle_id: z.number().optional(),
  event: z.record(z.string(), z.unknown()).default({}),
});
const Batch = z.union([z.array(JanusEvent), JanusEvent.transform((e) => [e])]);
export type JanusEventT = z.infer<typeof JanusEvent>;

/** Janus event types (janus/events/eventhandler.h). */
const TYPE = { webrtc: 16, media: 32, plugin: 64 } as const;

/** What one event means for an encounter, or null when it is not ours or not interesting. */
type Effect = { encounterId: string; role: MeetRole; at: number; participantId?: string | null } & (
  | { kind: 'presence'; present: boolean; handleId?: number }
  | { kind: 'media'; present: boolean }
  | { kind: 'problem'; detail: string }
);

async function interpret(em: EntityManager, e: JanusEventT): Promise<Effect | null> {
  if (e.type === TYPE.plugin && e.event.plugin === 'janus.plugin.videoroom') {
    const data = (e.event.data ?? {}) as { event?: string; room?: string; id?: string };
    if ((data.event !== 'joined' && data.event !== 'leaving') || typeof data.id !== 'string') return null;
    const who = await findPublisher(em, data.id);
    // Only our pages' publisher ids count, and only in their own encounter's room.
    if (!who || data.room !== videoRoomId(who.encounterId)) return null;
    // A participant's (issue 26) presence only: its handle is not kept, its media not judged (the patient's and clinician's are).
    if (who.participantId) return { ...who, at: e.timestamp, kind: 'presence', present: data.event === 'joined' };
    return { ...who, at: e.timestamp, kind: 'presence', present: data.event === 'joined', handleId: e.handle_id };
  }
  if ((e.type === TYPE.webrtc || e.type === TYPE.media) && e.handle_id !== undefined) {
    const h = await findJanusHandle(em, e.handle_id);
    if (!h) return null;
    const base = { encounterId: h.encounterId, role: h.role, at: e.timestamp };
    if (e.event.ice === 'failed') return { ...base, kind: 'problem', detail: 'ICE failed' };
    if (e.event.connection === 'hangup') return { ...base, kind: 'presence', present: false };
    // Janus receiving (or no longer receiving) the participant's own camera on their publisher handle.
    if (e.type === TYPE.media && e.event.media === 'video' && typeof e.event.receiving === 'boolean')
      return { ...base, kind: 'media', present: e.event.receiving };
  }
  return null;
}

/** Applies a presence or media change if it is newer than what we have; true when the state actually changed. */
function applyParticipantEvent(
  em: EntityManager,
  fx: Extract<Effect, { kind: 'presence' | 'media' }>,
): Promise<boolean> {
  return applyEvent(em, {
    encounterId: fx.encounterId,
    // Media state is tracked like presence, under its own key ('patient/media'); it starts as "up", so the first event that matters is a drop.
    key: fx.participantId ? `participant:${fx.participantId}` : fx.kind === 'media' ? `${fx.role}/media` : fx.role,
    initiallyPresent: fx.kind === 'media',
    present: fx.present,
    atUs: fx.at,
    ...(fx.kind === 'presence' && fx.present && fx.handleId !== undefined
      ? { handle: { id: fx.handleId, role: fx.role } }
      : {}),
  });
}

export function janusEventRoutes(deps: AppDeps): RouteDef[] {
  const { temporal, config, logger } = deps;
  const expected = Buffer.from(`Basic ${Buffer.from(`janus:${config.janus.eventSecret}`).toString('base64')}`);
  const secretMatches = (req: Request) => {
    const given = Buffer.from(req.header('authorization') ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  // Janus only: no user session counts here, the shared event secret does, checked before the body is read.
  return [
    post('/janus/events', sharedSecret(secretMatches), (req, res) => receive(temporal, logger, req, res), {
      body: express.json({ limit: '5mb' }),
      rate: 'sink',
    }),
  ];
}

async function receive(temporal: AppDeps['temporal'], logger: AppDeps['logger'], req: Request, res: Response) {
  const events = Batch.parse(req.body);
  const em = req.em;
  let signalled = 0;
  // In arrival order: Janus sends one participant's events in the order they happened.
  for (const e of events) {
    const fx = await interpret(em, e);
    if (!fx) continue;
    const handle = temporal.workflow.getHandle(m.encounterWorkflowId(fx.encounterId));
    const at = new Date(Math.floor(fx.at / 1000)).toISOString();
    try {
      if (fx.kind !== 'problem' && !(await applyParticipantEvent(em, fx))) continue;
      if (fx.participantId && fx.kind === 'presence')
        await handle.signal(fx.present ? m.participantWaitingSignal : m.participantGoneSignal, {
          participantId: fx.participantId,
          at,
          source: 'janus',
        });
      else if (fx.participantId || (fx.role !== 'patient' && fx.role !== 'clinician')) continue;
      else if (fx.kind === 'presence')
        await handle.signal(fx.present ? m.participantJoinedSignal : m.participantLeftSignal, {
          role: fx.role,
          at,
          source: 'janus',
        });
      else if (fx.kind === 'media')
        await handle.signal(m.mediaStateSignal, { role: fx.role, up: fx.present, at, source: 'janus' });
      else await handle.signal(m.videoProblemSignal, { role: fx.role, at, detail: fx.detail, source: 'janus' });
      signalled++;
    } catch (err) {
      // A finished encounter no longer takes signals; Janus must not retry for that.
      logger.warn({ err, encounterId: fx.encounterId }, 'janus event not delivered to the encounter');
    }
  }
  res.json({ received: events.length, signalled });
}
