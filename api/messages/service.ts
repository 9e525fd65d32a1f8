/** Starting a message thread and writing in it: the workflow first, then the thread row with its access-log row. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { insertThread } from '../../db/messages';
import {
  Author,
  DEFAULT_MESSAGE_POLICY,
  MessagePolicy,
  postMessageUpdate,
  threadWorkflowId,
} from '../../workflows/message-thread.messages';
import { messageThreadWorkflow } from '../../workflows/message-thread';

export interface NewThread {
  patientId: string;
  careUnitId: string;
  subject: string;
  text: string;
  /** Who writes: the patient or a guardian (personnummer in `id`). */
  author: Author;
}

/**
 * Starts the thread's workflow, stores the thread row (with `log` in the same transaction) and posts
 * the first message through the workflow, which holds its deadline.
 */
export async function startThread(
  em: EntityManager,
  temporal: Client,
  taskQueue: string,
  t: NewThread,
  log: (tx: EntityManager, threadId: string) => Promise<void>,
  policy: Partial<MessagePolicy> = {},
): Promise<{ threadId: string; messageId: string }> {
  const threadId = randomUUID();
  const workflowId = threadWorkflowId(threadId);
  await temporal.workflow.start(messageThreadWorkflow, {
    workflowId,
    taskQueue,
    args: [
      { threadId, patientId: t.patientId, careUnitId: t.careUnitId, policy: { ...DEFAULT_MESSAGE_POLICY, ...policy } },
    ],
  });
  await em.transactional(async (tx) => {
    await insertThread(tx, {
      id: threadId,
      workflowId,
      patientId: t.patientId,
      careUnitId: t.careUnitId,
      subject: t.subject,
      startedBy: t.author.id,
    });
    await log(tx, threadId);
  });
  const { messageId } = await temporal.workflow
    .getHandle(workflowId)
    .executeUpdate(postMessageUpdate, { args: [{ author: t.author, text: t.text }] });
  return { threadId, messageId };
}
