/** Message threads, their messages and dated summaries; the thread's workflow writes its state columns. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { QueryOrder } from '@mikro-orm/core';
import { careUnitNames } from './care';
import { Message, MessageThread, Patient, StaffRole, Staff, ThreadSummary } from './entities';

export async function insertThread(
  em: EntityManager,
  t: Omit<MessageThread, 'status' | 'overdue' | 'undocumentedDays' | 'lastActivityAt' | 'createdAt'> &
    Partial<Pick<MessageThread, 'createdAt' | 'lastActivityAt'>>,
) {
  await em.insert(MessageThread, t);
}

export async function findThread(em: EntityManager, id: string): Promise<MessageThread | null> {
  return em.findOne(MessageThread, { id });
}

/**
 * Stores a message; a staff answer marks every unanswered patient message of the thread answered,
 * in the same transaction.
 */
export async function insertMessage(
  em: EntityManager,
  /** `createdAt` only for history written after the fact (the demo's); else the database's now. */
  m: Omit<Message, 'createdAt' | 'answeredAt'> & { createdAt?: Date },
): Promise<Message> {
  return em.transactional(async (tx) => {
    await tx.insert(Message, m);
    const row = await tx.findOneOrFail(Message, { id: m.id });
    if (m.authorKind === 'staff')
      await tx.nativeUpdate(
        Message,
        { threadId: m.threadId, authorKind: 'patient', answeredAt: null },
        { answeredAt: row.createdAt },
      );
    return row;
  });
}

export async function messagesOf(em: EntityManager, threadId: string): Promise<Message[]> {
  return em.find(Message, { threadId }, { orderBy: { createdAt: 'asc' } });
}

export async function findMessage(em: EntityManager, id: string): Promise<Message | null> {
  return em.findOne(Message, { id });
}

export async function summariesOf(em: EntityManager, threadId: string): Promise<ThreadSummary[]> {
  return em.find(ThreadSummary, { threadId }, { orderBy: { contactDate: 'asc' } });
}

/** Stores the day's summary once; a retry returns the first one's id. */
export async function insertSummary(
  em: EntityManager,
  s: Omit<ThreadSummary, 'signedAt'> & { signedAt?: Date },
): Promise<string> {
  const existing = await em.findOne(ThreadSummary, { threadId: s.threadId, contactDate: s.contactDate });
  if (existing) return existing.id;
  await em.insert(ThreadSummary, s);
  return s.id;
}

export async function projectThread(
  em: EntityManager,
  p: {
    threadId: string;
    status: 'open' | 'closed';
    dueDate: string | null;
    deadlineAt: string | null;
    overdue: boolean;
    undocumentedDays: number;
    lastActivityAt: string;
    /** When a closing thread closed (default now). */
    closedAt?: string;
  },
): Promise<void> {
  await em.nativeUpdate(
    MessageThread,
    { id: p.threadId },
    {
      status: p.status,
      dueDate: p.dueDate,
      deadlineAt: p.deadlineAt ? new Date(p.deadlineAt) : null,
      overdue: p.overdue,
      undocumentedDays: p.undocumentedDays,
      lastActivityAt: new Date(p.lastActivityAt),
      closedAt: p.status === 'closed' ? new Date(p.closedAt ?? Date.now()) : null,
    },
  );
}

/** Open threads of these units, the earliest deadline first (answered ones after), with patient names. */
export async function threadQueue(em: EntityManager, units: string[] | null) {
  const rows = await em.find(
    MessageThread,
    { status: 'open', ...(units ? { careUnitId: { $in: units } } : {}) },
    { orderBy: { deadlineAt: QueryOrder.ASC_NULLS_LAST, lastActivityAt: QueryOrder.DESC }, limit: 500 },
  );
  const people = new Map(
    (await em.find(Patient, { id: { $in: [...new Set(rows.map((r) => r.patientId))] } })).map((p) => [p.id, p]),
  );
  const unitNames = await careUnitNames(em, rows);
  return rows.map((r) => ({ ...r, patient: people.get(r.patientId)!, unitName: unitNames.get(r.careUnitId) ?? '' }));
}

export async function threadsOfPatients(em: EntityManager, patientIds: string[]) {
  if (!patientIds.length) return [];
  const rows = await em.find(
    MessageThread,
    { patientId: { $in: patientIds } },
    { orderBy: { lastActivityAt: 'desc' }, limit: 200 },
  );
  const unitNames = await careUnitNames(em, rows);
  return rows.map((r) => ({ ...r, unitName: unitNames.get(r.careUnitId) ?? '' }));
}

/** The HSA-ids of the unit's care administrators (escalations go to them). */
export async function careAdminsOf(em: EntityManager, careUnitId: string): Promise<string[]> {
  const roles = await em.find(StaffRole, { role: 'care_admin', $or: [{ careUnitId }, { careUnitId: null }] });
  const staff = await em.find(Staff, { id: { $in: roles.map((r) => r.staffId) }, active: true });
  return staff.map((s) => s.hsaId);
}

/** Open threads of the units with answers due today and overdue, for the overview. */
export async function answerCounts(em: EntityManager, units: string[] | null, today: string) {
  const scope = units ? { careUnitId: { $in: units } } : {};
  const [dueToday, overdue] = [
    await em.count(MessageThread, { status: 'open', dueDate: today, overdue: false, ...scope }),
    await em.count(MessageThread, { status: 'open', overdue: true, ...scope }),
  ];
  return { dueToday, overdue };
}
