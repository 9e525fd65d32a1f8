/**
 * Meddelanden: patients (or guardians) write to a care unit and read the signed answers; staff work
 * a queue of open threads per unit sorted by deadline, answer, and write the dated journal summary.
 * Every message is plain text, escaped wherever it is shown.
 */
import { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { allow, patientsFor, permits, unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { HttpError, notFound, toHttp } from '../http/errors';
import { IdParam } from '../encounters/schemas';
import type { StaffRoleName } from '../../db/entities';
import { findCareUnit, listCareUnits } from '../../db/care';
import { findThread, messagesOf, summariesOf, threadQueue, threadsOfPatients } from '../../db/messages';
import { findPatient } from '../../db/people';
import { daysToSummarise, deadlineOf, MESSAGE_MAX_CHARS, timeLeft, timeLeftSv } from '../../domain/messages';
import { ANSWER_WORKING_DAYS } from '../../domain/working-days';
import { Author, postMessageUpdate, writeSummaryUpdate } from '../../workflows/message-thread.messages';
import { startThread } from './service';

const STAFF: StaffRoleName[] = ['clinician', 'care_admin'];
/** A quality lead reads a thread (from its deviation) but does not write in it. */
const READERS: StaffRoleName[] = [...STAFF, 'quality_lead'];
const text = z
  .string()
  .max(MESSAGE_MAX_CHARS, `högst ${MESSAGE_MAX_CHARS} tecken`)
  .refine((v) => v.trim().length > 0, 'skriv ett meddelande');
const NewThread = z.object({
  careUnitId: z.string().uuid('välj mottagning'),
  patientId: z.string().uuid('välj vem det gäller'),
  subject: z.string().trim().min(1, 'skriv ett ämne').max(120),
  text,
});
const Reply = z.object({ text });
const Summary = z.object({ contactDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), text });

const notice = `Vi svarar inom ${ANSWER_WORKING_DAYS} arbetsdagar (helgdagar räknas inte). Är det akut: ring 112. Behöver du råd i dag: ring 1177.`;

export function messageRouter({ temporal, config }: AppDeps): Router {
  const router = Router();

  // ——— the patient's side ———
  const mine = async (req: Request) => (await patientsFor(req.em, req.principal!)) ?? [];

  const renderList = async (req: Request, res: Response, extra: { error?: string } = {}) => {
    const who = await mine(req);
    const threads = await threadsOfPatients(
      req.em,
      who.map((w) => w.patientId),
    );
    const people = await Promise.all(
      who.map(async (w) => ({ ...w, patient: (await findPatient(req.em, w.patientId))! })),
    );
    await logAccess(req, { action: 'list', target: 'mina-sidor:meddelanden', patientIds: who.map((w) => w.patientId) });
    res.render('messages/patient-list', {
      layout: 'meet',
      title: 'Meddelanden',
      notice,
      ...extra,
      threads,
      people: people.map((p) => ({
        id: p.patientId,
        name: `${p.patient.givenName} ${p.patient.familyName}`,
        child: p.actingAs === 'guardian',
      })),
      units: await listCareUnits(req.em),
      max: MESSAGE_MAX_CHARS,
    });
  };

  router.get('/mina-sidor/meddelanden', allow('patient'), (req, res) => renderList(req, res));

  router.post('/mina-sidor/meddelanden', allow('patient'), async (req, res) => {
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
      (tx, id) => logAccess(req, { action: 'create', target: `thread:${id}`, patientIds: [form.data.patientId] }, tx),
    );
    res.redirect(303, `/mina-sidor/meddelanden/${threadId}`);
  });

  /** The thread if the logged-in person may act for its patient. */
  const patientThread = async (req: Request) => {
    const { id } = IdParam.parse(req.params);
    const t = await findThread(req.em, id);
    if (!t || !(await mine(req)).some((w) => w.patientId === t.patientId)) throw notFound('meddelande');
    return t;
  };

  const showPatientThread = async (req: Request, res: Response, extra: { error?: string } = {}) => {
    const t = await patientThread(req);
    const [messages, unit] = [await messagesOf(req.em, t.id), await findCareUnit(req.em, t.careUnitId)];
    await logAccess(req, { action: 'read', target: `thread:${t.id}`, patientIds: [t.patientId] });
    res.render('messages/patient-thread', {
      layout: 'meet',
      title: t.subject,
      notice,
      ...extra,
      thread: t,
      unitName: unit?.name,
      messages: messages.map((m) => ({ ...m, fromUnit: m.authorKind === 'staff' })),
      max: MESSAGE_MAX_CHARS,
    });
  };

  router.get('/mina-sidor/meddelanden/:id', allow('patient'), (req, res) => showPatientThread(req, res));

  router.post('/mina-sidor/meddelanden/:id', allow('patient'), async (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'person') throw new HttpError(403, 'bara patienter', undefined, 'forbidden');
    const t = await patientThread(req);
    const form = Reply.safeParse(req.body);
    if (!form.success) return showPatientThread(req, res.status(400), { error: form.error.issues[0].message });
    await post(
      req,
      res,
      t,
      { kind: 'patient', id: p.personnummer, name: p.name },
      form.data.text,
      `/mina-sidor/meddelanden/${t.id}`,
      showPatientThread,
    );
  });

  /** Posts through the workflow; a closed thread's refusal is shown on the page in Swedish. */
  const post = async (
    req: Request,
    res: Response,
    t: { id: string; workflowId: string; patientId: string },
    author: Author,
    body: string,
    back: string,
    show: (req: Request, res: Response, extra: { error?: string }) => Promise<void>,
  ) => {
    try {
      await temporal.workflow
        .getHandle(t.workflowId)
        .executeUpdate(postMessageUpdate, { args: [{ author, text: body }] });
      await logAccess(req, { action: 'write:message', target: `thread:${t.id}`, patientIds: [t.patientId] });
      res.redirect(303, back);
    } catch (err) {
      const { status, body: answer } = toHttp(err);
      if (status >= 500) throw err;
      const target = `thread:${t.id}`;
      await logAccess(req, {
        action: 'write:message',
        target,
        patientIds: [t.patientId],
        outcome: 'refused',
        detail: { error: answer.error },
      });
      await show(req, res.status(409), { error: 'Tråden är avslutad. Skriv ett nytt meddelande i stället.' });
    }
  };

  // ——— the unit's side ———
  router.get('/admin/meddelanden', allow(...STAFF), async (req, res) => {
    const threads = await threadQueue(req.em, unitsFor(req.principal!, STAFF));
    await logAccess(req, {
      action: 'list',
      target: 'admin:messages',
      patientIds: [...new Set(threads.map((t) => t.patientId))],
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
  });

  const staffThread = async (req: Request, roles = STAFF) => {
    const { id } = IdParam.parse(req.params);
    const t = await findThread(req.em, id);
    const units = unitsFor(req.principal!, roles);
    if (!t || (units && !units.includes(t.careUnitId))) throw notFound('meddelande');
    return t;
  };

  const showStaffThread = async (req: Request, res: Response, extra: { error?: string } = {}) => {
    const t = await staffThread(req, READERS);
    const [messages, summaries, patient, unit] = [
      await messagesOf(req.em, t.id),
      await summariesOf(req.em, t.id),
      await findPatient(req.em, t.patientId),
      await findCareUnit(req.em, t.careUnitId),
    ];
    await logAccess(req, { action: 'read', target: `thread:${t.id}`, patientIds: [t.patientId] });
    const p = req.principal!;
    res.render('messages/staff-thread', {
      title: t.subject,
      ...extra,
      thread: t,
      unitName: unit?.name,
      patientName: `${patient!.givenName} ${patient!.familyName}`,
      messages: messages.map((m) => ({
        ...m,
        fromUnit: m.authorKind === 'staff',
        due: m.authorKind === 'patient' && !m.answeredAt ? deadlineOf(m.createdAt.toISOString()).dueDate : null,
      })),
      summaries,
      toSummarise: daysToSummarise(
        messages.filter((m) => m.authorKind === 'staff').map((m) => m.createdAt),
        summaries.map((x) => x.contactDate),
      ),
      canSummarise: p.kind === 'staff' && p.grants.some((g) => g.role === 'clinician'),
      canAnswer: permits(p, STAFF),
      signature: p.kind === 'staff' ? signature(p.name, p.title, unit?.name ?? '') : '',
      max: MESSAGE_MAX_CHARS,
    });
  };

  router.get('/admin/meddelanden/:id', allow(...READERS), (req, res) => showStaffThread(req, res));

  router.post('/admin/meddelanden/:id/svar', allow(...STAFF), async (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'staff') throw new HttpError(403, 'bara personal', undefined, 'forbidden');
    const t = await staffThread(req);
    const form = Reply.safeParse(req.body);
    if (!form.success) return showStaffThread(req, res.status(400), { error: form.error.issues[0].message });
    const unit = await findCareUnit(req.em, t.careUnitId);
    await post(
      req,
      res,
      t,
      { kind: 'staff', id: p.hsaId, name: p.name, signature: signature(p.name, p.title, unit?.name ?? '') },
      form.data.text,
      `/admin/meddelanden/${t.id}`,
      showStaffThread,
    );
  });

  router.post('/admin/meddelanden/:id/sammanfattning', allow('clinician'), async (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'staff') throw new HttpError(403, 'bara personal', undefined, 'forbidden');
    const t = await staffThread(req);
    const form = Summary.safeParse(req.body);
    if (!form.success) return showStaffThread(req, res.status(400), { error: form.error.issues[0].message });
    try {
      await temporal.workflow.getHandle(t.workflowId).executeUpdate(writeSummaryUpdate, {
        args: [
          {
            author: { kind: 'staff', id: p.hsaId, name: p.name },
            contactDate: form.data.contactDate,
            text: form.data.text,
          },
        ],
      });
      await logAccess(req, { action: 'write:summary', target: `thread:${t.id}`, patientIds: [t.patientId] });
      res.redirect(303, `/admin/meddelanden/${t.id}`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      await logAccess(req, {
        action: 'write:summary',
        target: `thread:${t.id}`,
        patientIds: [t.patientId],
        outcome: 'refused',
        detail: { error: body.error },
      });
      await showStaffThread(req, res.status(status), {
        error: 'Den dagen finns ingen vård att sammanfatta, eller så är den redan sammanfattad.',
      });
    }
  });

  return router;
}

/** SÄS: a written reply is signed with name, title, workplace and contact details. */
const signature = (name: string, title: string, unit: string) =>
  `${name}, ${title}, ${unit}. Kontakt: svara i Meddelanden eller ring ${unit} via 1177.`;
