/** SMS delivery for activities: store the SMS in the outbox (Utkorg) once, then hand it to the SMS gateway. */
import type { Orm } from '../../db/orm';
import { enqueueSms, markMailSent, markSmsSent, recordDelivery } from '../../db/outbox';
import { toE164 } from '../../domain/phone';
import { businessFailure } from '../errors';
import { sendOnce, type MailOwner } from '../mail';
import { SmsRefusedError, type SmsGateway, type SmsMessage, type SmsReceipt } from './gateway';

export * from './gateway';

/**
 * Outbox first (unique idempotency key), then send; a retry after a send never sends twice. Without a
 * gateway (`sms` null) the SMS is kept in the Utkorg as `stored` and nothing is sent.
 * @param orm - the worker's ORM (each call forks its own EntityManager)
 * @param sms - the SMS gateway, or null when none is configured
 */
export function createSmsDelivery({ orm, sms }: { orm: Orm; sms: SmsGateway | null }) {
  return async function deliverSms(
    key: string,
    owner: MailOwner,
    msg: SmsMessage,
  ): Promise<{ outboxId: string; status: string }> {
    const to = toE164(msg.to);
    if (!to) throw businessFailure('Invalid', 'the SMS recipient is not a phone number', 'to');
    const em = orm.em.fork();
    const row = await enqueueSms(em, {
      idempotencyKey: key,
      encounterId: owner.encounterId ?? null,
      careUnitId: owner.careUnitId,
      patientId: owner.patientId,
      recipient: to,
      text: msg.text,
    });
    try {
      return await sendOnce(em, row, async () => {
        if (!sms) {
          await markMailSent(em, row.id, 'stored');
          return 'stored';
        }
        const res = await sms.send({ to, text: msg.text });
        await markSmsSent(em, row.id, res.messageId);
        return 'sent';
      });
    } catch (err) {
      // A bad number stays bad: the activity stops instead of retrying.
      if (err instanceof SmsRefusedError && err.permanent) throw businessFailure('Refused', err.message, 'to');
      throw err;
    }
  };
}

/**
 * Records a delivery receipt on its outbox row (found by the SMS centre's message id). Throws when no
 * SMS has that id yet, so the gateway asks the SMS centre to send the receipt again later.
 * @param orm - the worker's ORM
 * @param receipt - from the SMS gateway's `onReceipt`
 * @returns the outbox id
 */
export async function recordSmsReceipt(orm: Orm, receipt: SmsReceipt): Promise<string> {
  const id = await recordDelivery(orm.em.fork(), {
    providerMessageId: receipt.messageId,
    state: receipt.state,
    at: receipt.at,
  });
  if (!id) throw new Error(`no SMS in the outbox has the SMS centre's id ${receipt.messageId}`);
  return id;
}
