/** The encounter API's work, apart from Express routing: create, list, read, presence. */
import { publicState } from '../../domain/participants';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { AppDeps } from '../deps';
import type { Caller, EncounterScope } from '../http/guards';
import { logAccess, onEncounter, shownPatients } from '../http/audit';
import { HttpError } from '../http/errors';
import { principalId } from '../auth';
import * as m from '../../workflows/encounter.messages';
import { findEncounterState, getEncounterRow, listEncounters } from '../../db/encounters';
import { readTestSwitches } from '../../test-switches';
import * as S from './schemas';
import { createEncounter, liveState } from './service';

/** The optional Idempotency-Key header: 1–200 visible ASCII characters. */
function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))
    throw new HttpError(400, 'Idempotency-Key: 1–200 visible ASCII characters', 'Idempotency-Key', 'validation');
  return key;
}

/** POST /api/encounters: 201 with the new row, or 200 with the same one for a repeated Idempotency-Key. */
export async function createFromApi({ temporal, config }: AppDeps, req: Request, res: Response, caller: Caller) {
  const body = S.CreateEncounter.parse(req.body);
  if (body.policy && !readTestSwitches().allowPolicyOverride)
    throw new HttpError(400, 'policy: timer policies are set by the system, not by callers', 'policy', 'validation');
  const p = caller.principal;
  if (caller.units && !caller.units.includes(body.careUnitId))
    throw new HttpError(403, 'careUnitId: you are not a care administrator of this unit', 'careUnitId', 'forbidden');
  const actor: m.Actor =
    p.kind === 'machine'
      ? { id: `client:${p.clientId}`, role: 'system' }
      : { id: p.kind === 'staff' ? p.hsaId : '', role: 'admin', name: p.kind === 'staff' ? p.name : undefined };
  const key = idempotencyKeyOf(req);
  const { id, replayed } = await createEncounter(
    req.em,
    temporal,
    config.temporal.taskQueue,
    actor,
    body,
    (tx, encounterId, patientId, replay) =>
      logAccess(
        req,
        {
          action: 'create',
          target: `encounter:${encounterId}`,
          patientIds: [patientId],
          careUnitId: body.careUnitId,
          ...(replay ? { detail: { idempotentReplay: true } } : {}),
        },
        tx,
      ),
    key ? { idempotency: { caller: principalId(p), key } } : {},
  );
  if (replayed) res.set('idempotent-replayed', 'true');
  res
    .status(replayed ? 200 : 201)
    .location(`/api/encounters/${id}`)
    .json(await getEncounterRow(req.em, id));
}

/** GET /api/encounters: a page of the caller's units (or own and children's) encounters, logged per patient. */
export async function listFromApi(req: Request, caller: Caller) {
  const q = S.ListEncounters.parse(req.query);
  const page = await listEncounters(req.em, {
    ...q,
    careUnitIds: caller.units ?? undefined,
    patientIds: (await caller.patients())?.map((x) => x.patientId),
  });
  await logAccess(req, {
    action: 'list',
    target: 'encounters',
    patientIds: shownPatients(page.items),
    detail: { filters: req.query },
  });
  const { lastCursor, ...rest } = page;
  return {
    ...rest,
    page: q.page,
    pageSize: q.pageSize,
    nextCursor: page.items.length === q.pageSize ? lastCursor : null,
  };
}

const ReadQuery = z.object({ live: z.enum(['true', 'false']).optional() });

/**
 * GET /api/encounters/:id: the row with the state the workflow last projected (issue 29: no round trip
 * through Temporal and the worker), or with `?live=true` the workflow's own answer to a query now. An
 * encounter not projected since then is asked live.
 */
export async function readFromApi(temporal: Client, req: Request, { row }: EncounterScope) {
  const { live } = ReadQuery.parse(req.query);
  await logAccess(req, onEncounter(row, 'read'));
  const state =
    (live === 'true' ? null : await findEncounterState<m.EncounterState>(req.em, row.id)) ??
    (await liveState(temporal, row.workflowId));
  return {
    ...row,
    ...(state ? { status: state.status, step: state.step, waitingFor: state.waitingFor } : {}),
    state: state && publicState(state),
  };
}

/** A watching system's presence event, as the participant signal. */
export async function signalPresence(
  temporal: Client,
  req: Request,
  { row, actor }: EncounterScope,
  { role, event }: { role: 'patient' | 'clinician'; event: 'joined' | 'left' },
) {
  const signal = event === 'joined' ? m.participantJoinedSignal : m.participantLeftSignal;
  await temporal.workflow.getHandle(row.workflowId).signal(signal, { role, source: `api:${actor.id}` });
  await logAccess(req, onEncounter(row, `signal:${event}`));
}
