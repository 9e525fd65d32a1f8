/** Mail activities: render a template, store it in the outbox once, then hand it to the mailer. */
import { findCareUnit, findClinician } from '../../db/care';
import { findEncounter } from '../../db/encounters';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm';
import { enqueueMail, markMailFailed, markMailSent } from '../../db/outbox';
import { findPatient, mailContactFor } from '../../db/people';
import { tr } from '../../domain/i18n';
import { findSlot } from '../../db/slots';
import { listFeeOre, noShowFeeOre } from '../../domain/fees';
import type { EncounterPolicy } from '../../workflows/encounter.messages';
import { businessFailure } from '../errors';
import type { Mailer, MailMessage } from './mailer';
import { renderMail } from './render';

export * from './mailer';

/** Whose mail it is: the Utkorg shows it to its unit's care administrators only. */
export interface MailOwner {
  encounterId?: string | null;
  careUnitId: string | null;
  patientId: string | null;
}

/** Outbox first (unique idempotency key), then send; a retry after a send never sends twice. */
export function createDelivery({ orm, mailer }: { orm: Orm; mailer: Mailer }) {
  return async function deliver(
    key: string,
    owner: MailOwner,
    msg: MailMessage,
  ): Promise<{ outboxId: string; status: string }> {
    const em = orm.em.fork();
    const row = await enqueueMail(em, {
      idempotencyKey: key,
      encounterId: owner.encounterId ?? null,
      careUnitId: owner.careUnitId,
      patientId: owner.patientId,
      recipient: msg.to,
      subject: msg.subject,
      html: msg.html,
      text: msg.text,
    });
    return sendOnce(em, row, async () => {
      const res = await mailer.send(msg);
      await markMailSent(em, row.id, res.status);
      return res.status;
    });
  };
}

/**
 * The Utkorg's rule for every channel: a row already sent or stored is not sent again; a send that fails
 * marks the row failed and rethrows, so the activity retries.
 * @param send - sends, marks the row, and gives its new status
 */
export async function sendOnce(
  em: EntityManager,
  row: { id: string; status: string },
  send: () => Promise<string>,
): Promise<{ outboxId: string; status: string }> {
  if (row.status !== 'pending' && row.status !== 'failed') return { outboxId: row.id, status: row.status };
  try {
    return { outboxId: row.id, status: await send() };
  } catch (err) {
    await markMailFailed(em, row.id, String(err));
    throw err;
  }
}

export function createMailActivities({ orm, mailer }: { orm: Orm; mailer: Mailer }) {
  const deliver = createDelivery({ orm, mailer });

  return {
    /** Renders the kallelse with the information sheet and sends it to the patient (or guardian). */
    async sendInvitation(input: {
      encounterId: string;
      slotId: string;
      policy: EncounterPolicy;
    }): Promise<{ outboxId: string; status: string }> {
      const em = orm.em.fork();
      const encounter = await findEncounter(em, input.encounterId);
      const slot = await findSlot(em, input.slotId);
      if (!encounter || !slot)
        throw businessFailure('NotFound', `encounter ${input.encounterId} or slot ${input.slotId} does not exist`);
      const [patient, unit, clinician, { email, language: lang }] = await Promise.all([
        findPatient(em, encounter.patientId),
        findCareUnit(em, encounter.careUnitId),
        findClinician(em, slot.clinicianId),
        mailContactFor(em, encounter.patientId),
      ]);
      const { html, text } = renderMail('invitation', {
        lang,
        patientName: `${patient!.givenName} ${patient!.familyName}`,
        clinicianName: `${clinician!.givenName} ${clinician!.familyName}`,
        clinicianTitle: clinician!.title,
        unitName: unit!.name,
        startsAt: slot.startsAt,
        graceMinutes: Math.round(input.policy.noShowGraceSeconds / 60),
        noShowFeeOre: noShowFeeOre(unit!.region, listFeeOre(unit!.region, clinician!.profession, 'video'), false),
      });
      const to = email ?? `patient-${input.encounterId}@invalid.local`;
      const owner = {
        encounterId: input.encounterId,
        careUnitId: encounter.careUnitId,
        patientId: encounter.patientId,
      };
      return deliver(`${input.encounterId}:invitation:${input.slotId}`, owner, {
        to,
        subject: tr(lang, 'mail.invitation.subject', { unit: unit!.name }),
        html,
        text,
      });
    },

    /**
     * Tells the patient (or guardian) that a time held before the clinician's assessment was given back,
     * with the workflow's message (issue 24: a 1177 booking the clinician then answered "no" to).
     */
    async sendBookingReleased(input: {
      encounterId: string;
      startsAt: string;
      message: string;
    }): Promise<{ outboxId: string; status: string }> {
      const em = orm.em.fork();
      const encounter = await findEncounter(em, input.encounterId);
      if (!encounter) throw businessFailure('NotFound', `encounter ${input.encounterId} does not exist`);
      const [patient, unit, { email, language: lang }] = await Promise.all([
        findPatient(em, encounter.patientId),
        findCareUnit(em, encounter.careUnitId),
        mailContactFor(em, encounter.patientId),
      ]);
      // The workflow's message is Swedish; the one it sends today has its words in every catalogue.
      const known = input.message === tr('sv', 'mail.released.notEligible');
      const { html, text } = renderMail('booking-released', {
        lang,
        patientName: `${patient!.givenName} ${patient!.familyName}`,
        unitName: unit!.name,
        startsAt: input.startsAt,
        message: known ? tr(lang, 'mail.released.notEligible') : input.message,
      });
      const owner = {
        encounterId: input.encounterId,
        careUnitId: encounter.careUnitId,
        patientId: encounter.patientId,
      };
      return deliver(`${input.encounterId}:booking-released`, owner, {
        to: email ?? `patient-${input.encounterId}@invalid.local`,
        subject: tr(lang, 'mail.released.subject', { unit: unit!.name }),
        html,
        text,
      });
    },

    /** Reminds the clinician that the journal note is missing. */
    async sendDocumentationReminder(input: { encounterId: string }): Promise<{ outboxId: string; status: string }> {
      const em = orm.em.fork();
      const encounter = await findEncounter(em, input.encounterId);
      const clinician = encounter?.clinicianId ? await findClinician(em, encounter.clinicianId) : null;
      if (!encounter || !clinician)
        throw businessFailure('NotFound', `encounter ${input.encounterId} has no booked clinician`);
      const { html, text } = renderMail('documentation-reminder', {
        clinicianName: `${clinician.givenName} ${clinician.familyName}`,
        startsAt: encounter.scheduledStart ? encounter.scheduledStart.toISOString() : null,
        encounterId: input.encounterId,
      });
      const owner = {
        encounterId: input.encounterId,
        careUnitId: encounter.careUnitId,
        patientId: encounter.patientId,
      };
      return deliver(`${input.encounterId}:documentation-reminder`, owner, {
        to: `${clinician.hsaId}@staff.vardmote.local`,
        subject: 'Journalanteckning saknas',
        html,
        text,
      });
    },
  };
}
