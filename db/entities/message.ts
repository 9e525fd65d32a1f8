/** One message of a thread: plain text, by the patient (with its due day) or by staff (with the signature). */
import { EntitySchema, OptionalProps } from '@mikro-orm/core';
import { createdAt, day, optionalTime, ref } from './columns';

export const AUTHOR_KINDS = ['patient', 'staff'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

export class Message {
  [OptionalProps]?: 'createdAt';
  id!: string;
  threadId!: string;
  authorKind!: AuthorKind;
  /** Personnummer or HSA-id. */
  authorId!: string;
  authorName!: string;
  /** Staff: name, title, workplace and contact (RULES.md §7, SÄS: written replies are signed). */
  signature?: string | null;
  body!: string;
  createdAt: Date = new Date();
  dueDate?: string | null;
  answeredAt?: Date | null;
}

export const MessageSchema = new EntitySchema<Message>({
  class: Message,
  tableName: 'message',
  indexes: [{ name: 'message_thread_at_idx', properties: ['threadId', 'createdAt'] }],
  checks: [{ name: 'message_body_check', expression: 'char_length(body) <= 4000' }],
  properties: {
    id: { type: 'uuid', primary: true },
    threadId: ref('MessageThread', 'thread_id'),
    authorKind: { enum: true, items: () => AUTHOR_KINDS },
    authorId: { type: 'text' },
    authorName: { type: 'text' },
    signature: { type: 'text', nullable: true },
    body: { type: 'text' },
    createdAt,
    dueDate: { ...day, nullable: true },
    answeredAt: optionalTime,
  },
});
