/**
 * Reminder activities (issue 27): one reminder on one channel, and the SMS to the clinician and the
 * unit when a patient waits unnoticed. Texts carry the unit, the time and a link only (no reason,
 * note or personnummer); each send is stored once per key in the Utkorg, so a retry never sends twice.
 */
import { findCareUnit, findClinician } from '../../db/care';
import { findEncounter } from '../../db/encounters';
import type { Orm } from '../../db/orm';
import { reminderContactFor } from '../../db/people';
import { toE164 } from '../../domain/phone';
import { waitingAlertSms, type ReminderContent, type ReminderKind } from '../../domain/reminders';
import { reminderSmsIn, reminderSubjectIn, reminderTimeIn } from '../../domain/reminder-texts';
import { businessFailure } from '../errors';
import { isTerminal, type EncounterStatus } from '../../workflows/encounter.messages';
import { createDelivery, type Mailer } from '../mail';
import { renderMail } from '../mail/render';
import { createSmsDelivery } from '../sms';
import type { SmsGateway } from '../sms/gateway';

export interface ReminderActivityDeps {
  orm: Orm;
  mailer: Mailer;
  /** The SMS gateway; null: SMS is not configured and SMS rows are only kept in the Utkorg. */
  sms?: SmsGateway | null;
  /** The web's public address, for the links in reminders. */
  publicUrl?: string;
}

/** Where the patient confirms or cancels after logging in (Mina sidor). */
export const reminderLink = (publicUrl: string, encounterId: string) =>
  `${publicUrl}/mina-sidor/moten/${encounterId}?source=reminder`;

export function createReminderActivities({ orm, mailer, sms = null, publicUrl = '' }: ReminderActivityDeps) {
  const deliverMail = createDelivery({ orm, mailer });
  const deliverSms = createSmsDelivery({ orm, sms });

  return {
    /**
     * Sends one reminder on one channel, if the patient wants that channel and has an address for it.
     * `skipped` says it was not for this channel; a failed SMS throws so the workflow's retry policy decides.
     */
    async sendReminder(input: {
      encounterId: string;
      kind: ReminderKind;
      startsAt: string | null;
      channel: 'mail' | 'sms';
    }): Promise<{ status: string; outboxId?: string }> {
      const em = orm.em.fork();
      const encounter = await findEncounter(em, input.encounterId);
      if (!encounter) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      // A retry after the encounter was cancelled (or ended) sends nothing.
      if (isTerminal(encounter.status as EncounterStatus)) return { status: 'skipped' };
      const [unit, contact] = await Promise.all([
        findCareUnit(em, encounter.careUnitId),
        reminderContactFor(em, encounter.patientId),
      ]);
      const wanted = contact.channels === 'both' || contact.channels === input.channel;
      if (!wanted) return { status: 'skipped' };
      const content: ReminderContent = {
        kind: input.kind,
        unitName: unit!.name,
        startsAt: input.startsAt,
        link: reminderLink(publicUrl, input.encounterId),
      };
      const owner = {
        encounterId: input.encounterId,
        careUnitId: encounter.careUnitId,
        patientId: encounter.patientId,
      };
      const key = `${input.encounterId}:reminder:${input.kind}:${input.startsAt ?? 'open'}:${input.channel}`;
      if (input.channel === 'sms') {
        const to = contact.phone ? toE164(contact.phone) : null;
        if (!to) return { status: 'skipped' };
        return deliverSms(key, owner, { to, text: reminderSmsIn(content, contact.language) });
      }
      if (!contact.email) return { status: 'skipped' };
      const lang = contact.language;
      const { html, text } = renderMail('reminder', {
        ...content,
        lang,
        when: content.startsAt ? reminderTimeIn(content.startsAt, lang) : null,
        openInvitation: input.kind === 'open-invitation',
        beforeMeeting: input.kind === 'before-meeting',
      });
      return deliverMail(key, owner, { to: contact.email, subject: reminderSubjectIn(content, lang), html, text });
    },

    /** A patient waits unnoticed: one SMS to the booked clinician and one to the unit, where they have numbers. */
    async sendWaitingAlert(input: { encounterId: string }): Promise<{ recipients: number; sent: number }> {
      const em = orm.em.fork();
      const encounter = await findEncounter(em, input.encounterId);
      if (!encounter?.clinicianId || !encounter.scheduledStart)
        throw businessFailure('NotFound', `encounter ${input.encounterId} has no booked time`);
      const [unit, clinician] = await Promise.all([
        findCareUnit(em, encounter.careUnitId),
        findClinician(em, encounter.clinicianId),
      ]);
      const text = waitingAlertSms(
        unit!.name,
        encounter.scheduledStart.toISOString(),
        `${publicUrl}/admin/encounters/${input.encounterId}`,
      );
      const owner = { encounterId: input.encounterId, careUnitId: encounter.careUnitId, patientId: null };
      const numbers = [
        ['clinician', clinician?.phone],
        ['unit', unit!.phone],
      ] as const;
      let recipients = 0;
      let sent = 0;
      let failure: unknown = null;
      for (const [who, raw] of numbers) {
        const to = raw ? toE164(raw) : null;
        if (!to) continue;
        recipients++;
        // Each number on its own: a refused clinician's number still lets the unit's go.
        try {
          const res = await deliverSms(`${input.encounterId}:waiting-alert:${who}`, owner, { to, text });
          if (res.status === 'sent' || res.status === 'delivered') sent++;
        } catch (err) {
          failure = err;
        }
      }
      // Nothing went and something failed: the activity retries (what went is not sent again).
      if (sent === 0 && failure) throw failure;
      return { recipients, sent };
    },
  };
}

export type ReminderActivities = ReturnType<typeof createReminderActivities>;
