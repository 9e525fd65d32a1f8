/** JSON routes of the encounter: create, list, read, and one route per workflow update or signal. */
import { Router, Request } from 'express';
import type { UpdateDefinition } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { requireActor } from '../auth';
import { notFound } from '../errors';
import type { IdentityProvider } from '../identity/provider';
import * as m from '../../workflows/encounter.messages';
import * as S from './schemas';
import { getEncounterRow, listEncounters } from '../../db/encounters';
import { createEncounter, liveState } from './service';

export function encounterRouter(deps: AppDeps & { identity: IdentityProvider }): Router {
  const router = Router();
  const { temporal, config } = deps;
  router.use('/api/encounters', requireActor);

  router.post('/api/encounters', async (req, res) => {
    const body = S.CreateEncounter.parse(req.body);
    const em = req.em;
    const { id } = await createEncounter(em, temporal, config.temporal.taskQueue, req.actor, body);
    res
      .status(201)
      .location(`/api/encounters/${id}`)
      .json(await getEncounterRow(em, id));
  });

  router.get('/api/encounters', async (req, res) => {
    const q = S.ListEncounters.parse(req.query);
    const em = req.em;
    const page = await listEncounters(em, q);
    await audit(em, req.actor, 'list', 'encounters', [...new Set(page.items.map((i) => i.patientId))], {
      filters: req.query,
    });
    res.json({ ...page, page: q.page, pageSize: q.pageSize });
  });

  router.get('/api/encounters/:id', async (req, res) => {
    const { id } = S.IdParam.parse(req.params);
    const em = req.em;
    const row = await getEncounterRow(em, id);
    if (!row) throw notFound('encounter');
    await audit(em, req.actor, 'read', `encounter:${id}`, [row.patientId]);
    // The workflow is the source of truth; the row may lag by one projection activity.
    const state = await liveState(temporal, row.workflowId);
    res.json({
      ...row,
      ...(state ? { status: state.status, step: state.step, waitingFor: state.waitingFor } : {}),
      state,
    });
  });

  /** Runs an update on the encounter's workflow and answers with the new state. */
  const update = async <A>(req: Request, def: UpdateDefinition<m.EncounterState, [A]>, arg: A) => {
    const { id } = S.IdParam.parse(req.params);
    const em = req.em;
    const row = await getEncounterRow(em, id);
    if (!row) throw notFound('encounter');
    await audit(em, req.actor, `update:${def.name}`, `encounter:${id}`, [row.patientId]);
    return temporal.workflow.getHandle(row.workflowId).executeUpdate(def, { args: [arg] });
  };

  router.post('/api/encounters/:id/eligibility', async (req, res) => {
    const { answers } = S.Eligibility.parse(req.body);
    res.json(await update(req, m.answerEligibilityUpdate, { actor: req.actor, answers }));
  });
  router.post('/api/encounters/:id/identity', async (req, res) => {
    const { assertion } = S.Identity.parse(req.body);
    const claims = await deps.identity.verify(assertion);
    res.json(await update(req, m.recordIdentityUpdate, { actor: req.actor, claims }));
  });
  router.post('/api/encounters/:id/booking', async (req, res) => {
    const { slotId } = S.SlotChoice.parse(req.body);
    res.json(await update(req, m.bookUpdate, { actor: req.actor, slotId }));
  });
  router.post('/api/encounters/:id/reschedule', async (req, res) => {
    const { slotId } = S.SlotChoice.parse(req.body);
    res.json(await update(req, m.rescheduleUpdate, { actor: req.actor, slotId }));
  });
  router.post('/api/encounters/:id/checklist', async (req, res) => {
    const { items } = S.Checklist.parse(req.body);
    res.json(await update(req, m.confirmChecklistUpdate, { actor: req.actor, items }));
  });
  router.post('/api/encounters/:id/admit', async (req, res) => {
    res.json(await update(req, m.admitPatientUpdate, { actor: req.actor }));
  });
  router.post('/api/encounters/:id/end', async (req, res) => {
    res.json(await update(req, m.endSessionUpdate, { actor: req.actor }));
  });
  router.post('/api/encounters/:id/phone', async (req, res) => {
    const { error } = S.PhoneFallback.parse(req.body);
    res.json(await update(req, m.switchToPhoneUpdate, { actor: req.actor, error }));
  });
  router.post('/api/encounters/:id/journal-note', async (req, res) => {
    const { text } = S.JournalNote.parse(req.body);
    res.json(await update(req, m.submitJournalNoteUpdate, { actor: req.actor, text }));
  });
  router.post('/api/encounters/:id/cancel', async (req, res) => {
    const { reason } = S.Cancel.parse(req.body);
    res.json(await update(req, m.cancelUpdate, { actor: req.actor, reason }));
  });
  router.post('/api/encounters/:id/participants', async (req, res) => {
    const { id } = S.IdParam.parse(req.params);
    const { role, event } = S.Participant.parse(req.body);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('encounter');
    const signal = event === 'joined' ? m.participantJoinedSignal : m.participantLeftSignal;
    await temporal.workflow.getHandle(row.workflowId).signal(signal, { role, source: `api:${req.actor.id}` });
    res.status(202).json({ accepted: true });
  });
  return router;
}
