/**
 * Mina möten: a clinician's own work — encounters waiting for the four eligibility questions in their
 * units, their booked meetings (with the pre-meeting checklist), the journal notes they must write,
 * the notes the journal system did not take, to enter by hand, and an alert while a patient waits.
 */
import type { Request, Response } from 'express';
import type { UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { unitsFor } from '../http/access';
import { logAccess, shownPatients } from '../http/audit';
import { HttpError, toHttp } from '../http/errors';
import { clinicianWorklist } from '../../db/encounters';
import { listCareUnits } from '../../db/care';
import { ELIGIBILITY_QUESTIONS } from '../../domain/eligibility';
import { statusLabel } from '../../domain/labels';
import * as m from '../../workflows/encounter.messages';
import { encounterScoped, roles, type EncounterScope } from '../http/guards';
import { runUpdate } from '../encounters/updates';
import { get, post, type RouteDef } from '../http/route';
import { worklistAlerts } from './waiting';

const yesNo = z.enum(['ja', 'nej'], { message: 'svara ja eller nej' }).transform((v) => v === 'ja');
const EligibilityForm = z.object(
  Object.fromEntries(ELIGIBILITY_QUESTIONS.map((q) => [q.key, yesNo])) as Record<
    (typeof ELIGIBILITY_QUESTIONS)[number]['key'],
    typeof yesNo
  >,
);
const NoteForm = z.object({ text: z.string().trim().min(1, 'skriv journalanteckningen').max(20_000) });

export function clinicianRoutes({ temporal }: AppDeps): RouteDef[] {
  const render = async (req: Request, res: Response, error?: string) => {
    const p = req.principal!;
    if (p.kind !== 'staff' || !p.clinicianId)
      throw new HttpError(403, 'Mina möten är för vårdgivare med bokningsbara tider.', undefined, 'forbidden');
    const units = unitsFor(p, ['clinician']) ?? (await listCareUnits(req.em)).map((u) => u.id);
    const rows = await clinicianWorklist(req.em, p.clinicianId, units);
    await logAccess(req, {
      action: 'list',
      target: 'admin:mina-moten',
      patientIds: shownPatients(rows),
    });
    const alerts = await worklistAlerts(temporal, req);
    const waiting = new Set(alerts.waiting.map((a) => a.id));
    res.set('cache-control', 'no-store').render('clinician/worklist', {
      title: 'Mina möten',
      titlePrefix: alerts.titlePrefix,
      waiting: alerts.waiting,
      error,
      questions: ELIGIBILITY_QUESTIONS,
      checklist: m.CHECKLIST_ITEMS.map((k) => ({ key: k, label: m.CHECKLIST_LABELS_SV[k] })),
      items: rows.map((r) => ({
        ...r,
        statusLabel: statusLabel(r.status),
        patientWaiting: waiting.has(r.id),
        eligibility: r.status === 'eligibility',
        checklist: r.status === 'pre-meeting' || r.status === 'video',
        note: r.status === 'documentation',
        journalByHand: r.status === 'journal' && r.waitingFor === 'enter-in-journal',
        journalSending: r.status === 'journal' && r.waitingFor !== 'enter-in-journal',
      })),
    });
  };

  /** Runs the clinician's update; a refusal shows the list again with the reason in Swedish. */
  const act = async <A>(
    req: Request,
    res: Response,
    enc: EncounterScope,
    def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
    arg: A,
  ) => {
    try {
      await runUpdate(temporal, req, enc, def, arg);
      res.redirect(303, '/admin/mina-moten');
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      res.status(status);
      await render(
        req,
        res,
        body.error === 'WrongActor'
          ? 'Det här vårdmötet är bokat med en annan vårdgivare.'
          : 'Det gick inte i vårdmötets nuvarande steg.',
      );
    }
  };
  const form = <T>(schema: z.ZodType<T>, req: Request): T => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new HttpError(400, `${i.path.join('.')}: ${i.message}`, i.path.join('.'), 'validation');
    }
    return parsed.data;
  };

  const MINE = encounterScoped('clinician');
  return [
    get('/admin/mina-moten', roles('clinician'), (req, res) => render(req, res)),
    // The worklist's live alert (its script polls it): who waits in the clinician's own waiting rooms.
    get('/admin/mina-moten/live', roles('clinician'), async (req, res) =>
      res.set('cache-control', 'no-store').json(await worklistAlerts(temporal, req)),
    ),
    post('/admin/mina-moten/:id/eligibility', MINE, (req, res, enc) =>
      act(req, res, enc, m.answerEligibilityUpdate, { answers: form(EligibilityForm, req) }),
    ),
    post('/admin/mina-moten/:id/checklist', MINE, (req, res, enc) =>
      act(req, res, enc, m.confirmChecklistUpdate, {
        items: Object.fromEntries(m.CHECKLIST_ITEMS.map((k) => [k, req.body?.[k] === 'on'])) as Record<
          m.ChecklistItem,
          boolean
        >,
      }),
    ),
    post('/admin/mina-moten/:id/journal-note', MINE, (req, res, enc) =>
      act(req, res, enc, m.submitJournalNoteUpdate, { text: form(NoteForm, req).text }),
    ),
    post('/admin/mina-moten/:id/journal-entry', MINE, (req, res, enc) =>
      act(req, res, enc, m.confirmManualJournalEntryUpdate, {}),
    ),
  ];
}
