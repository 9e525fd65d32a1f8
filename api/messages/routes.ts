/** Meddelanden: the patient's threads on Mina sidor and the unit's queue, answers and dated summaries. */
import type { Request, Response } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import type { AppDeps } from '../deps';
import { logAccess, shownPatients, onRecord } from '../http/audit';
import { HttpError, notFound, toHttp } from '../http/errors';
import { roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import { findCareUnit } from '../../db/care';
import { threadQueue } from '../../db/messages';
import { timeLeft, timeLeftSv } from '../../domain/messages';
import { confirmManualSummaryEntryUpdate, writeSummaryUpdate } from '../../workflows/message-thread.messages';
import { ManualEntry, messagePages, NewThread, READERS, Reply, signature, STAFF, Summary } from './pages';
import { startThread } from './service';

export function messageRoutes({ temporal, config }: AppDeps): RouteDef[] {
  const { mine, renderList, patientThread, showPatientThread, postMessage, staffThread, showStaffThread } =
    messagePages({ temporal });
  /**
   * A staff member's update of a thread (a summary, a manual journal entry): a bad form shows the
   * page again with a 400, a refusal with its status and Swedish text; both outcomes are access-logged.
   */
  const staffUpdate = async (
    req: Request,
    res: Response,
    action: string,
    u: {
      invalid: string | null;
      refused: string;
      send: (handle: WorkflowHandle, author: { kind: 'staff'; id: string; name: string }) => Promise<unknown>;
    },
  ) => {
    const p = req.principal!;
    if (p.kind !== 'staff') throw new HttpError(403, 'bara personal', undefined, 'forbidden');
    const t = await staffThread(req);
    if (u.invalid) return showStaffThread(req, res.status(400), { error: u.invalid });
    try {
      await u.send(temporal.workflow.getHandle(t.workflowId), { kind: 'staff', id: p.hsaId, name: p.name });
      await logAccess(req, onRecord('thread', t, action));
      res.redirect(303, `/admin/meddelanden/${t.id}`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      await logAccess(req, onRecord('thread', t, action, { outcome: 'refused', detail: { error: body.error } }));
      await showStaffThread(req, res.status(status), { error: u.refused });
    }
  };

  return [
    get('/mina-sidor/meddelanden', roles('patient'), (req, res) => renderList(req, res)),
    post('/mina-sidor/meddelanden', roles('patient'), async (req, res) => {
      const p = req.principal!;
      if (p.kind !== 'person') throw new HttpError(403, 'bara patienter', undefined, 'forbidden');
      const form = NewThread.safeParse(req.body);
      if (!form.success) return renderList(req, res.status(400), { error: form.error.issues[0].message });
      const who = await mine(req);
      if (!who.some((w) => w.patientId === form.data.patientId)) throw notFound('patient');
      if (!(await findCareUnit(req.em, form.data.careUnitId))) throw notFound('mottagning');
      const { threadId } = await startThread(
        req.em,
        temporal,
        config.temporal.taskQueue,
        { ...form.data, author: { kind: 'patient', id: p.personnummer, name: p.name } },
        (tx, id) =>
          logAccess(
            req,
            {
              action: 'create',
              target: `thread:${id}`,
              patientIds: [form.data.patientId],
              careUnitId: form.data.careUnitId,
            },
            tx,
          ),
      );
      res.redirect(303, `/mina-sidor/meddelanden/${threadId}`);
    }),
    get('/mina-sidor/meddelanden/:id', roles('patient'), (req, res) => showPatientThread(req, res)),
    post('/mina-sidor/meddelanden/:id', roles('patient'), async (req, res) => {
      const p = req.principal!;
      if (p.kind !== 'person') throw new HttpError(403, 'bara patienter', undefined, 'forbidden');
      const t = await patientThread(req);
      const form = Reply.safeParse(req.body);
      if (!form.success) return showPatientThread(req, res.status(400), { error: form.error.issues[0].message });
      await postMessage(
        req,
        res,
        t,
        { kind: 'patient', id: p.personnummer, name: p.name },
        form.data.text,
        `/mina-sidor/meddelanden/${t.id}`,
        showPatientThread,
      );
    }),
    get('/admin/meddelanden', roles(...STAFF), async (req, res, { units }) => {
      const threads = await threadQueue(req.em, units);
      await logAccess(req, {
        action: 'list',
        target: 'admin:messages',
        patientIds: shownPatients(threads),
      });
      const now = new Date();
      res.render('messages/queue', {
        title: 'Meddelanden',
        threads: threads.map((t) => ({
          ...t,
          patientName: `${t.patient.givenName} ${t.patient.familyName}`,
          left:
            t.deadlineAt && t.dueDate
              ? timeLeftSv(timeLeft(now, { dueDate: t.dueDate, deadlineAt: t.deadlineAt }))
              : 'Besvarat',
          late: t.overdue || (!!t.deadlineAt && t.deadlineAt <= now),
        })),
      });
    }),
    get('/admin/meddelanden/:id', roles(...READERS), (req, res) => showStaffThread(req, res)),
    post('/admin/meddelanden/:id/svar', roles(...STAFF), async (req, res) => {
      const p = req.principal!;
      if (p.kind !== 'staff') throw new HttpError(403, 'bara personal', undefined, 'forbidden');
      const t = await staffThread(req);
      const form = Reply.safeParse(req.body);
      if (!form.success) return showStaffThread(req, res.status(400), { error: form.error.issues[0].message });
      const unit = await findCareUnit(req.em, t.careUnitId);
      await postMessage(
        req,
        res,
        t,
        { kind: 'staff', id: p.hsaId, name: p.name, signature: signature(p.name, p.title, unit?.name ?? '') },
        form.data.text,
        `/admin/meddelanden/${t.id}`,
        showStaffThread,
      );
    }),
    // A day's summary the journal system did not take, entered there by hand (issue 25).
    post('/admin/meddelanden/:id/journalford', roles('clinician', 'care_admin'), async (req, res) => {
      const form = ManualEntry.safeParse(req.body);
      await staffUpdate(req, res, 'journal:manual-entry', {
        invalid: form.success ? null : 'Ange dagen som fördes in.',
        refused: 'Den dagens sammanfattning väntar inte på att föras in för hand.',
        send: (handle, author) =>
          handle.executeUpdate(confirmManualSummaryEntryUpdate, {
            args: [{ author, contactDate: form.data!.contactDate }],
          }),
      });
    }),
    post('/admin/meddelanden/:id/sammanfattning', roles('clinician'), async (req, res) => {
      const form = Summary.safeParse(req.body);
      await staffUpdate(req, res, 'write:summary', {
        invalid: form.success ? null : form.error.issues[0].message,
        refused: 'Den dagen finns ingen vård att sammanfatta, eller så är den redan sammanfattad.',
        send: (handle, author) =>
          handle.executeUpdate(writeSummaryUpdate, {
            args: [{ author, contactDate: form.data!.contactDate, text: form.data!.text }],
          }),
      });
    }),
  ];
}
