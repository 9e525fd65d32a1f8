/** A rendered mail or an SMS, stored once per idempotency key before it is handed on (Utkorg). */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

export const OUTBOX_STATUSES = ['pending', 'sent', 'stored', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
export const OUTBOX_CHANNELS = ['mail', 'sms'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

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
  channel: OutboxChannel = 'mail';
  /** The SMS centre's message id: its delivery receipt names the message by it. */
  providerMessageId?: string | null;
  /** The delivery receipt's state (activities/sms/gateway.ts SmsDeliveryState); null until one arrives. */
  deliveryStatus?: string | null;
  deliveredAt?: Date | null;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'outbox_message',
  indexes: [
    { name: 'outbox_message_unit_idx', properties: ['careUnitId', 'createdAt'] },
    { name: 'outbox_message_provider_idx', properties: ['providerMessageId'] },
  ],
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
    channel: { enum: true, items: () => OUTBOX_CHANNELS, default: 'mail' },
    providerMessageId: { type: 'text', nullable: true },
    deliveryStatus: { type: 'text', nullable: true },
    deliveredAt: optionalTime,
  },
});
