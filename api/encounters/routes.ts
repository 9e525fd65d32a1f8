/** JSON routes of the encounter: create, list, read, and one route per workflow update or signal. */
import { Router, Request } from 'express';
import type { UpdateDefinition } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { actorForEncounter, allow, Grantee, patientsFor, unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { HttpError, notFound, toHttp } from '../http/errors';
import * as m from '../../workflows/encounter.messages';
import * as S from './schemas';
import { EncounterRow, getEncounterRow, listEncounters } from '../../db/encounters';
import { bookableSlot } from './booking';
import { createEncounter, liveState } from './service';
import { principalId } from '../auth';

/** The optional Idempotency-Key header: 1–200 visible ASCII characters. */
function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key))
    throw new HttpError(400, 'Idempotency-Key: 1–200 visible ASCII characters', 'Idempotency-Key', 'validation');
  return key;
}

/** Who may read encounters (each within their units or their own and their children's). */
const READERS: Grantee[] = ['care_admin', 'clinician', 'quality_lead', 'patient', 'scope:encounters:read'];

export function encounterRouter(deps: AppDeps): Router {
  const router = Router();
  const { temporal, config } = deps;

  router.post('/api/encounters', allow('care_admin', 'scope:encounters:write'), async (req, res) => {
    const body = S.CreateEncounter.parse(req.body);
    if (body.policy && !config.allowPolicyOverride)
      throw new HttpError(400, 'policy: timer policies are set by the system, not by callers', 'policy', 'validation');
    const p = req.principal!;
    const units = unitsFor(p, ['care_admin']);
    if (units && !units.includes(body.careUnitId))
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
  });

  router.get('/api/encounters', allow(...READERS), async (req, res) => {
    const q = S.ListEncounters.parse(req.query);
    const p = req.principal!;
    const mine = await patientsFor(req.em, p);
    const page = await listEncounters(req.em, {
      ...q,
      careUnitIds: unitsFor(p, ['care_admin', 'clinician', 'quality_lead']) ?? undefined,
      patientIds: mine?.map((x) => x.patientId),
    });
    await logAccess(req, {
      action: 'list',
      target: 'encounters',
      patientIds: [...new Set(page.items.map((i) => i.patientId))],
      detail: { filters: req.query },
    });
    res.set('cache-control', 'no-store').json({
      ...page,
      page: q.page,
      pageSize: q.pageSize,
      nextCursor: page.items.length === q.pageSize ? page.items.at(-1)!.cursor : null,
    });
  });

  /** The encounter, if the caller may touch it in one of `roles` (404/403 otherwise, logged as refused). */
  const encounterFor = async (req: Request, roles: readonly Grantee[]) => {
    const { id } = S.IdParam.parse(req.params);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('encounter');
    try {
      return { row, actor: await actorForEncounter(req, row, roles) };
    } catch (err) {
      await logAccess(req, {
        action: 'access',
        target: `encounter:${id}`,
        patientIds: [row.patientId],
        outcome: 'refused',
      });
      throw err;
    }
  };

  router.get('/api/encounters/:id', allow(...READERS), async (req, res) => {
    const { row } = await encounterFor(req, READERS);
    await logAccess(req, { action: 'read', target: `encounter:${row.id}`, patientIds: [row.patientId] });
    // The workflow is the source of truth; the row may lag by one projection activity.
    const state = await liveState(temporal, row.workflowId);
    res.set('cache-control', 'no-store').json({
      ...row,
      ...(state ? { status: state.status, step: state.step, waitingFor: state.waitingFor } : {}),
      state,
    });
  });

  /**
   * Runs an update on the encounter's workflow as the caller and answers with the new state; the
   * access log says whether the workflow accepted or refused it.
   */
  const update = async <A>(
    req: Request,
    roles: readonly Grantee[],
    def: UpdateDefinition<m.EncounterState, [A]>,
    arg: (actor: m.Actor, row: EncounterRow) => A | Promise<A>,
  ) => {
    const { row, actor } = await encounterFor(req, roles);
    const target = `encounter:${row.id}`;
    try {
      const state = await temporal.workflow
        .getHandle(row.workflowId)
        .executeUpdate(def, { args: [await arg(actor, row)] });
      await logAccess(req, { action: `update:${def.name}`, target, patientIds: [row.patientId] });
      return state;
    } catch (err) {
      const { status, body } = toHttp(err);
      await logAccess(req, {
        action: `update:${def.name}`,
        target,
        patientIds: [row.patientId],
        outcome: status < 500 ? 'refused' : 'error',
        detail: { status, error: body.error },
      });
      throw err;
    }
  };

  router.post('/api/encounters/:id/eligibility', allow('clinician'), async (req, res) => {
    const { answers } = S.Eligibility.parse(req.body);
    res.json(await update(req, ['clinician'], m.answerEligibilityUpdate, (actor) => ({ actor, answers })));
  });
  // The identity step is the logged-in person: their verified e-ID, never a body.
  router.post('/api/encounters/:id/identity', allow('patient'), async (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'person')
      throw new HttpError(403, 'only the patient or a guardian can verify', undefined, 'forbidden');
    res.json(
      await update(req, ['patient'], m.recordIdentityUpdate, (actor) => ({
        actor,
        claims: { personnummer: p.personnummer, loa: p.loa, method: p.method },
      })),
    );
  });
  router.post('/api/encounters/:id/booking', allow('care_admin', 'patient'), async (req, res) => {
    const { slotId } = S.SlotChoice.parse(req.body);
    res.json(
      await update(req, ['care_admin', 'patient'], m.bookUpdate, async (actor, row) => ({
        actor,
        slotId: await bookableSlot(req.em, row, slotId),
      })),
    );
  });
  router.post('/api/encounters/:id/reschedule', allow('care_admin', 'patient'), async (req, res) => {
    const { slotId } = S.SlotChoice.parse(req.body);
    res.json(
      await update(req, ['care_admin', 'patient'], m.rescheduleUpdate, async (actor, row) => ({
        actor,
        slotId: await bookableSlot(req.em, row, slotId),
      })),
    );
  });
  router.post('/api/encounters/:id/checklist', allow('clinician'), async (req, res) => {
    const { items } = S.Checklist.parse(req.body);
    res.json(await update(req, ['clinician'], m.confirmChecklistUpdate, (actor) => ({ actor, items })));
  });
  router.post('/api/encounters/:id/admit', allow('clinician'), async (req, res) => {
    res.json(await update(req, ['clinician'], m.admitPatientUpdate, (actor) => ({ actor })));
  });
  router.post('/api/encounters/:id/end', allow('clinician'), async (req, res) => {
    res.json(await update(req, ['clinician'], m.endSessionUpdate, (actor) => ({ actor })));
  });
  router.post('/api/encounters/:id/phone', allow('clinician'), async (req, res) => {
    const { error } = S.PhoneFallback.parse(req.body);
    res.json(await update(req, ['clinician'], m.switchToPhoneUpdate, (actor) => ({ actor, error })));
  });
  router.post('/api/encounters/:id/journal-note', allow('clinician'), async (req, res) => {
    const { text } = S.JournalNote.parse(req.body);
    res.json(await update(req, ['clinician'], m.submitJournalNoteUpdate, (actor) => ({ actor, text })));
  });
  router.post('/api/encounters/:id/cancel', allow('care_admin', 'patient'), async (req, res) => {
    const { reason } = S.Cancel.parse(req.body);
    res.json(await update(req, ['care_admin', 'patient'], m.cancelUpdate, (actor) => ({ actor, reason })));
  });
  // Presence from a system that watches the meeting (Janus reports through its own event sink).
  router.post('/api/encounters/:id/participants', allow('scope:participants'), async (req, res) => {
    const { role, event } = S.Participant.parse(req.body);
    const { row, actor } = await encounterFor(req, ['scope:participants']);
    const signal = event === 'joined' ? m.participantJoinedSignal : m.participantLeftSignal;
    await temporal.workflow.getHandle(row.workflowId).signal(signal, { role, source: `api:${actor.id}` });
    await logAccess(req, { action: `signal:${event}`, target: `encounter:${row.id}`, patientIds: [row.patientId] });
    res.status(202).json({ accepted: true });
  });
  return router;
}
