/**
 * The encounter page's live state: status, how far the timeline has come, and whether a patient waits
 * unnoticed. Pushed to the page as server-sent events (issue 29) whenever the workflow projects a new
 * state (presence too: the workflow projects what its signals change); `/live` still answers the
 * page's script where EventSource is missing.
 */
import type { Request, Response } from 'express';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EncounterScope } from '../http/guards';
import type { Config } from '../../config';
import { logAccess, onEncounter } from '../http/audit';
import { principalId, sessionEndsAt } from '../auth';
import { liveState } from '../encounters/service';
import type { StateEvents } from '../encounters/state-events';
import { loggedWithin } from '../../db/access-log';
import { findEncounterState } from '../../db/encounters';
import { statusLabel } from '../../domain/labels';
import { titlePrefix, waitingAlert } from '../../domain/waiting-room';
import { isTerminal, type EncounterState, type EncounterStatus } from '../../workflows/encounter.messages';

const ended = (status: string) => isTerminal(status as EncounterStatus);

/** Watching one page is one access: logged once a minute, however often it reads or reconnects. */
async function logWatch(req: Request, { row, principal }: EncounterScope) {
  if (!(await loggedWithin(req.em, { actor: principalId(principal), action: 'watch', patientId: row.patientId }, 60)))
    await logAccess(req, onEncounter(row, 'watch'));
}

/**
 * What the page's script needs, from the projection (issue 29). An encounter whose workflow does not
 * project what signals change (presence: started before SIGNALS_PROJECTED_PATCH) is asked live, and
 * `polled` says its stream must look again every 2 s.
 */
async function summary(temporal: Client, em: EntityManager, { row }: EncounterScope) {
  const projected = await findEncounterState<EncounterState>(em, row.id);
  const live = !projected?.signalsProjected && !ended(projected?.status ?? row.status);
  const state = live ? ((await liveState(temporal, row.workflowId)) ?? projected) : projected;
  const waiting = state ? waitingAlert(state) : null;
  const body = {
    status: state?.status ?? row.status,
    statusLabel: statusLabel(state?.status ?? row.status),
    events: state?.timeline.length ?? 0,
    waiting: waiting ? [{ id: row.id, ...waiting }] : [],
    titlePrefix: titlePrefix(waiting ? 1 : 0),
  };
  return { body, polled: live && !ended(body.status), dueAt: waiting?.dueAt ?? null };
}

export async function watchEncounter(temporal: Client, req: Request, scope: EncounterScope) {
  await logWatch(req, scope);
  return (await summary(temporal, req.em, scope)).body;
}

/** How often a quiet stream sends a comment, so that no proxy takes it for dead (Caddy, load balancers). */
const HEARTBEAT_MS = 25_000;
/**
 * A stream lasts at most this long: EventSource then reconnects through the guard and the session's
 * checks again, so a logout in another tab or a role taken away stops the pushes within it.
 */
const STREAM_MS = 5 * 60_000;
/** How often the stream of an encounter that does not project its signals looks at presence. */
const PRESENCE_MS = 2000;

/**
 * GET /admin/encounters/:id/events: the summary now and after every projection of this encounter, as
 * `text/event-stream`. It is a poll (it never keeps a session alive) and ends at the login's idle or
 * absolute limit, or after STREAM_MS; the browser's reconnect meets the guard again.
 */
export async function streamEncounter(
  deps: { temporal: Client; config: Config; orm: { em: EntityManager }; stateEvents: StateEvents },
  req: Request,
  res: Response,
  scope: EncounterScope,
) {
  // Cleaned up however the stream ends, also when the browser leaves while it is being set up.
  const cleanup: Array<() => void> = [];
  res.on('close', () => cleanup.forEach((fn) => fn()));
  await logWatch(req, scope);
  if (res.destroyed) return;
  res.status(200).set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const write = (chunk: string) => !res.writableEnded && !res.destroyed && res.write(chunk);
  // One write at a time, in order; a change during a read is read again after it.
  let queue = Promise.resolve();
  let presence: NodeJS.Timeout | undefined;
  let turn: NodeJS.Timeout | undefined;
  const push = () => {
    queue = queue
      .then(async () => {
        // A read that was queued when the stream ended sets no timer (cleanup has run).
        if (res.destroyed || res.writableEnded) return;
        const { body, polled, dueAt } = await summary(deps.temporal, deps.orm.em.fork(), scope);
        if (res.destroyed || res.writableEnded) return;
        write(`data: ${JSON.stringify(body)}\n\n`);
        // Presence of an encounter without projected signals is looked at every 2 s (as before issue 29),
        // until it ends (or, for one not projected yet, its first projection says it projects them).
        if (polled && !presence) presence = setInterval(push, PRESENCE_MS);
        if (!polled && presence) {
          clearInterval(presence);
          presence = undefined;
        }
        // The waiting banner says 'börjar 14:00' until then and 'skulle börja' after: told again at the start.
        clearTimeout(turn);
        if (dueAt && Date.parse(dueAt) > Date.now()) turn = setTimeout(push, Date.parse(dueAt) - Date.now() + 1000);
      })
      .catch((err: unknown) => req.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'state event'));
  };
  cleanup.push(await deps.stateEvents.watch(scope.row.id, push));
  if (res.destroyed) return cleanup.forEach((fn) => fn());
  push();
  const beat = setInterval(() => write(': \n\n'), HEARTBEAT_MS);
  const ends = Math.min(sessionEndsAt(req, deps.config) ?? Infinity, Date.now() + STREAM_MS);
  const end = setTimeout(() => res.end(), Math.max(0, ends - Date.now()));
  cleanup.push(
    () => clearInterval(beat),
    () => clearInterval(presence),
    () => clearTimeout(turn),
    () => clearTimeout(end),
  );
}
