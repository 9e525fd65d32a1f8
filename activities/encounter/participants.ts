/**
 * Participants' activities (issue 26): the one-time code of an interpreter without Swedish e-ID, sent
 * by SMS (or mail) to the address booked at the invitation. Only the code's hash is stored, on the
 * participant's link; the code passes through the Utkorg and the gateway, never through Temporal.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { findEncounter } from '../../db/encounters';
import { oneTimeCodeHash, setJoinTokenCode } from '../../db/video';
import { createDelivery, type Mailer } from '../mail';
import { createSmsDelivery, type SmsGateway } from '../sms';
import { businessFailure } from '../errors';

/** How long a one-time code holds (api/meet/links.ts checks it). */
export const CODE_TTL_SECONDS = 600;

export const oneTimeCodeText = (code: string) =>
  `Din engångskod till vårdmötet är ${code}. Den gäller i 10 minuter. Dela inte koden med någon.`;

export function createParticipantActivities({
  orm,
  mailer,
  sms,
}: {
  orm: Orm;
  mailer: Mailer;
  sms?: SmsGateway | null;
}) {
  const deliverMail = createDelivery({ orm, mailer });
  const deliverSms = createSmsDelivery({ orm, sms: sms ?? null });
  return {
    /**
     * A new six-digit code on the participant's link, sent to its booked mobile number (else mail).
     * A retry makes a new code and a new message, so the last one received is the one that holds.
     */
    async sendParticipantCode(input: {
      encounterId: string;
      participantId: string;
      /** The SHA-256 of the participant's link (api/meet/links.ts), never the link itself. */
      linkHash: string;
      contact: { sms?: string; email?: string };
    }): Promise<{ channel: 'sms' | 'mail'; status: string }> {
      const em = orm.em.fork();
      const encounter = await findEncounter(em, input.encounterId);
      if (!encounter) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = new Date(Date.now() + CODE_TTL_SECONDS * 1000);
      if ((await setJoinTokenCode(em, input.linkHash, oneTimeCodeHash(code), expiresAt)) !== 1)
        throw businessFailure('Refused', 'the link is used, withdrawn, expired or unknown', 'linkHash');
      // Each code its own Utkorg row (the unit's, not the patient's: it goes to the interpreter).
      const key = `${input.encounterId}:participant-code:${input.participantId}:${randomUUID()}`;
      const owner = { encounterId: input.encounterId, careUnitId: encounter.careUnitId, patientId: null };
      const text = oneTimeCodeText(code);
      const { sms: to, email } = input.contact;
      if (to) return { channel: 'sms', status: (await deliverSms(key, owner, { to, text })).status };
      if (!email) throw businessFailure('Invalid', 'no mobile number or mail address for the code', 'contact');
      const subject = 'Engångskod till vårdmötet';
      const sent = await deliverMail(key, owner, { to: email, subject, text, html: `<p>${text}</p>` });
      return { channel: 'mail', status: sent.status };
    },
  };
}
