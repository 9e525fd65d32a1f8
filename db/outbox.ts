/** The outbox (Utkorg) of mail and SMS: a message is stored once per idempotency key, then marked sent, stored or failed. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxMessage, OutboxStatus } from './entities';
import { insertIgnore } from './insert';

/** Whose message it is and where it goes: the Utkorg row's key, owner and recipient. */
interface OutboxEntry {
  idempotencyKey: string;
  encounterId: string | null;
  careUnitId: string | null;
  patientId: string | null;
  recipient: string;
  text: string;
}

/** Stores the message unless its key exists; returns the stored row (the first one on a retry). */
async function enqueue(
  em: EntityManager,
  m: OutboxEntry & Pick<OutboxMessage, 'subject' | 'html' | 'channel'>,
): Promise<{ id: string; status: OutboxStatus }> {
  await insertIgnore(em, OutboxMessage, [{ id: randomUUID(), ...m, status: 'pending' }]);
  const row = await em.findOneOrFail(OutboxMessage, { idempotencyKey: m.idempotencyKey }, { fields: ['id', 'status'] });
  return { id: row.id, status: row.status };
}

/** A mail in the Utkorg, stored once per key. */
export const enqueueMail = (em: EntityManager, m: OutboxEntry & { subject: string; html: string }) =>
  enqueue(em, { ...m, channel: 'mail' });

/** An SMS as an outbox row: subject 'SMS', no HTML; the recipient is the number in E.164. */
export const enqueueSms = (em: EntityManager, m: OutboxEntry) =>
  enqueue(em, { ...m, subject: 'SMS', html: '', channel: 'sms' });

/** The SMS centre accepted the message under this id (its delivery receipt will name it). */
export async function markSmsSent(em: EntityManager, id: string, providerMessageId: string): Promise<void> {
  await em.nativeUpdate(OutboxMessage, { id }, { status: 'sent', sentAt: new Date(), error: null, providerMessageId });
}

/**
 * Records a delivery receipt on the SMS the SMS centre knows by this id; returns the outbox id, or null
 * when no SMS has that id (yet: the receipt may come before the send is recorded).
 */
export async function recordDelivery(
  em: EntityManager,
  r: { providerMessageId: string; state: string; at: Date },
): Promise<string | null> {
  const row = await em.findOne(
    OutboxMessage,
    { providerMessageId: r.providerMessageId, channel: 'sms' },
    { fields: ['id'], orderBy: { createdAt: 'desc' } },
  );
  if (!row) return null;
  const deliveredAt = r.state === 'delivered' ? r.at : null;
  await em.nativeUpdate(OutboxMessage, { id: row.id }, { deliveryStatus: r.state, deliveredAt });
  return row.id;
}

export async function markMailSent(em: EntityManager, id: string, status: 'sent' | 'stored'): Promise<void> {
  await em.nativeUpdate(OutboxMessage, { id }, { status, sentAt: new Date(), error: null });
}

export async function markMailFailed(em: EntityManager, id: string, error: string): Promise<void> {
  await em.nativeUpdate(OutboxMessage, { id }, { status: 'failed', error });
}

/**
 * The newest 200 messages of these units (null: every unit, mail without a unit included), with or
 * without their text.
 */
export async function listOutbox(em: EntityManager, opts: { withText: boolean; units: string[] | null }) {
  const where = opts.units ? { careUnitId: { $in: opts.units } } : {};
  const rows = await em.find(OutboxMessage, where, { orderBy: { createdAt: 'desc' }, limit: 200 });
  return rows.map((o) => ({
    id: o.id,
    encounterId: o.encounterId ?? null,
    careUnitId: o.careUnitId ?? null,
    patientId: o.patientId ?? null,
    recipient: o.recipient,
    subject: o.subject,
    status: o.status,
    error: o.error ?? null,
    createdAt: o.createdAt,
    sentAt: o.sentAt ?? null,
    channel: o.channel,
    deliveryStatus: o.deliveryStatus ?? null,
    deliveredAt: o.deliveredAt ?? null,
    ...(opts.withText ? { text: o.text } : {}),
  }));
}
