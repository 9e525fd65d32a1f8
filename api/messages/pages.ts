/** The pages of Meddelanden: the patient's threads and the unit's, with posting through the thread's workflow. */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { patientsFor, permits, unitsFor } from '../http/access';
import { logAccess, onRecord } from '../http/audit';
import { notFound, toHttp } from '../http/errors';
import { IdParam } from '../encounters/schemas';
import type { StaffRoleName } from '../../db/entities';
import { findCareUnit, listCareUnits } from '../../db/care';
import { findThread, messagesOf, summariesOf, threadsOfPatients } from '../../db/messages';
import { findPatient } from '../../db/people';
import { daysToSummarise, deadlineOf, MESSAGE_MAX_CHARS } from '../../domain/messages';
import { ANSWER_WORKING_DAYS } from '../../domain/working-days';
import { Author, postMessageUpdate } from '../../workflows/message-thread.messages';
import { tr, type Lang } from '../../domain/i18n';

export const STAFF: StaffRoleName[] = ['clinician', 'care_admin'];
/** A quality lead reads a thread (from its deviation) but does not write in it. */
export const READERS: StaffRoleName[] = [...STAFF, 'quality_lead'];
export const text = z
  .string()
  .max(MESSAGE_MAX_CHARS, `högst ${MESSAGE_MAX_CHARS} tecken`)
  .refine((v) => v.trim().length > 0, 'skriv ett meddelande');
export const NewThread = z.object({
  careUnitId: z.string().uuid('välj mottagning'),
  patientId: z.string().uuid('välj vem det gäller'),
  subject: z.string().trim().min(1, 'skriv ett ämne').max(120),
  text,
});
export const Reply = z.object({ text });
export const Summary = z.object({ contactDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), text });
export const ManualEntry = z.object({ contactDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

/** When the unit answers, and where to turn when it cannot wait, in the patient's language. */
export const noticeIn = (lang: Lang) => tr(lang, 'messages.notice', { days: ANSWER_WORKING_DAYS });

export function messagePages({ temporal }: Pick<AppDeps, 'temporal'>) {
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
      title: tr(req.lang, 'messages.title'),
      notice: noticeIn(req.lang),
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
    await logAccess(req, onRecord('thread', t, 'read'));
    res.render('messages/patient-thread', {
      layout: 'meet',
      title: t.subject,
      notice: noticeIn(req.lang),
      ...extra,
      thread: t,
      unitName: unit?.name,
      messages: messages.map((m) => ({ ...m, fromUnit: m.authorKind === 'staff' })),
      max: MESSAGE_MAX_CHARS,
    });
  };

  /** Posts through the workflow; a closed thread's refusal is shown on the page in Swedish. */
  const postMessage = async (
    req: Request,
    res: Response,
    t: { id: string; workflowId: string; patientId: string; careUnitId: string },
    author: Author,
    body: string,
    back: string,
    show: (req: Request, res: Response, extra: { error?: string }) => Promise<void>,
  ) => {
    try {
      await temporal.workflow
        .getHandle(t.workflowId)
        .executeUpdate(postMessageUpdate, { args: [{ author, text: body }] });
      await logAccess(req, onRecord('thread', t, 'write:message'));
      res.redirect(303, back);
    } catch (err) {
      const { status, body: answer } = toHttp(err);
      if (status >= 500) throw err;
      await logAccess(
        req,
        onRecord('thread', t, 'write:message', { outcome: 'refused', detail: { error: answer.error } }),
      );
      await show(req, res.status(409), { error: tr(req.lang, 'messages.closedError') });
    }
  };

  // ——— the unit's side ———

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
    await logAccess(req, onRecord('thread', t, 'read'));
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
      summaries: summaries.map((x) => ({
        ...x,
        journal: SUMMARY_JOURNAL_LABELS[x.journalStatus ?? ''] ?? null,
        byHand: x.journalStatus === 'manual-needed',
      })),
      canConfirmEntry: p.kind === 'staff' && p.grants.some((g) => g.role === 'clinician' || g.role === 'care_admin'),
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

  return { mine, renderList, patientThread, showPatientThread, postMessage, staffThread, showStaffThread };
}

/** Where a day's summary stands in the journal system, in Swedish. */
const SUMMARY_JOURNAL_LABELS: Record<string, string> = {
  'manual-needed': 'Journalsystemet har inte tagit emot sammanfattningen: för in den för hand',
  delivered: 'Journalförd',
  'entered-by-hand': 'Införd i journalen för hand',
};

/** SÄS: a written reply is signed with name, title, workplace and contact details. */
export const signature = (name: string, title: string, unit: string) =>
  `${name}, ${title}, ${unit}. Kontakt: svara i Meddelanden eller ring ${unit} via 1177.`;
