/** A rendered mail, stored once per idempotency key before it is handed to the mailer (Utkorg). */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export const OUTBOX_STATUSES = ['pending', 'sent', 'stored', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export class OutboxMessage {
  id!: string;
  idempotencyKey!: string;
  encounterId?: string | null;
  /** Whose mail it is: the unit of its encounter, thread or invoice (the Utkorg is read per unit). */
  careUnitId?: string | null;
  patientId?: string | null;
  recipient!: string;
  subject!: string;
  html!: string;
  text!: string;
  status!: OutboxStatus;
  error?: string | null;
  createdAt: Date = new Date();
  sentAt?: Date | null;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'outbox_message',
  indexes: [{ name: 'outbox_message_unit_idx', properties: ['careUnitId', 'createdAt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    idempotencyKey: { type: 'text', unique: true },
    encounterId: ref('Encounter', 'encounter_id', { nullable: true }),
    careUnitId: ref('CareUnit', 'care_unit_id', { nullable: true }),
    patientId: ref('Patient', 'patient_id', { nullable: true }),
    recipient: { type: 'text' },
    subject: { type: 'text' },
    html: { type: 'text' },
    text: { type: 'text' },
    status: { enum: true, items: () => OUTBOX_STATUSES },
    error: { type: 'text', nullable: true },
    createdAt,
    sentAt: optionalTime,
  },
});
