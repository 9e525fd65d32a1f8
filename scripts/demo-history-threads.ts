/** A message thread of the demo's history, written after the fact: question, answer, the day's summary, closed. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { writeAccessLog } from '../db/access-log';
import { insertMessage, insertSummary, insertThread, projectThread } from '../db/messages';
import { registerContact } from '../db/registrations';
import { DEMO } from '../db/seed';
import { stockholmDateOf, stockholmMidnight } from '../domain/dates';
import { AnswerDeadline, deadlineOf } from '../domain/messages';
import { addWorkingDays } from '../domain/working-days';
import { threadWorkflowId } from '../workflows/message-thread.messages';
import { demoUuid, type PastThread } from './demo-history-plan';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const nameOf = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

/**
 * Writes the thread as the thread workflow and its activities would have: the patient's message
 * (`at`) with its answer deadline (RULES.md §3), the clinician's answer, the summary dated to the
 * answer's day, and the closed thread. Returns whether the answer came after the deadline.
 */
export async function writePastThread(
  em: EntityManager,
  t: PastThread,
  at: Date,
): Promise<{ id: string; late: boolean; deadline: AnswerDeadline }> {
  const p = DEMO.patients[t.patient];
  const c = DEMO.clinicians[t.clinician];
  const unit = DEMO.units[c.unit];
  const id = demoUuid(`thread:${t.key}`);
  const deadline = deadlineOf(at.toISOString());
  const answeredAt =
    t.answerAfterWorkingDays === 0
      ? new Date(at.getTime() + 3 * HOUR)
      : new Date(
          stockholmMidnight(addWorkingDays(stockholmDateOf(at), t.answerAfterWorkingDays)).getTime() + 13 * HOUR,
        );
  await em.transactional(async (tx) => {
    await insertThread(tx, {
      id,
      workflowId: threadWorkflowId(id),
      patientId: p.id,
      careUnitId: unit.id,
      subject: t.subject,
      startedBy: p.pnr,
      createdAt: at,
      lastActivityAt: answeredAt,
    });
    await writeAccessLog(tx, { actor: 'system:demo', role: 'system', action: 'create', target: `thread:${id}` }, [
      { patientId: p.id, careUnitId: unit.id },
    ]);
  });
  const message = { threadId: id, createdAt: at, dueDate: deadline.dueDate };
  await insertMessage(em, {
    ...message,
    id: demoUuid(`message:${t.key}:patient`),
    authorKind: 'patient',
    authorId: p.pnr,
    authorName: nameOf(p),
    body: t.text,
  });
  await insertMessage(em, {
    ...message,
    id: demoUuid(`message:${t.key}:staff`),
    authorKind: 'staff',
    authorId: c.hsaId,
    authorName: nameOf(c),
    signature: `${nameOf(c)}, ${c.title.toLowerCase()}, ${unit.name}`,
    body: t.answer,
    createdAt: answeredAt,
    dueDate: null,
  });
  await insertSummary(em, {
    id: demoUuid(`summary:${t.key}`),
    threadId: id,
    contactDate: stockholmDateOf(answeredAt),
    visitType: 'Skriftlig distanskontakt',
    text: `Sammanfattning: ${t.subject.toLowerCase()}; råd givet skriftligt.`,
    signedBy: c.hsaId,
    signedByName: nameOf(c),
    signedAt: new Date(answeredAt.getTime() + 10 * MINUTE),
  });
  // A documented chat day is a registered contact (RULES.md §10), as storeSummary registers it.
  await registerContact(em, {
    source: 'thread',
    sourceId: `${id}:${stockholmDateOf(answeredAt)}`,
    careUnitId: unit.id,
    patientId: p.id,
    clinicianId: c.id,
    kind: 'chat',
    outcome: 'attended',
    contactDate: stockholmDateOf(answeredAt),
  });
  const late = answeredAt > deadline.deadlineAt;
  await projectThread(em, {
    threadId: id,
    status: 'closed',
    dueDate: deadline.dueDate,
    deadlineAt: deadline.deadlineAt.toISOString(),
    overdue: late,
    undocumentedDays: 0,
    lastActivityAt: answeredAt.toISOString(),
    closedAt: new Date(answeredAt.getTime() + 15 * MINUTE).toISOString(),
  });
  return { id, late, deadline };
}
