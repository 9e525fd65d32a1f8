/** Message-thread activities: store messages and summaries, mirror the thread's state, mail the unit or the patient, escalate. */
import { randomUUID } from 'node:crypto';
import { findCareUnit } from '../../db/care';
import { recordDeviation } from '../../db/deviations';
import { careAdminsOf, findMessage, findThread, insertMessage, insertSummary, projectThread } from '../../db/messages';
import { registerContact } from '../../db/registrations';
import { clinicianIdByHsaId } from '../../db/care';
import type { Orm } from '../../db/orm';
import { findPatient, mailContactFor } from '../../db/people';
import { tr } from '../../domain/i18n';
import { messageText } from '../../domain/messages';
import type { Author } from '../../workflows/message-thread.messages';
import { businessFailure } from '../errors';
import { createDelivery, Mailer } from '../mail';
import { renderMail } from '../mail/render';

/** RULES.md §9 / SÄS: the visit type of a written contact's journal summary. */
export const WRITTEN_CONTACT = 'Skriftlig kontakt (meddelande)';

/** The text rule of domain/messages.ts; a refusal is a business failure naming the field (no retry). */
function checkedText(raw: string): string {
  try {
    return messageText(raw);
  } catch (err) {
    throw businessFailure('Invalid', (err as Error).message, 'text');
  }
}

export function createMessageActivities({ orm, mailer }: { orm: Orm; mailer: Mailer }) {
  const deliver = createDelivery({ orm, mailer });
  const thread = async (id: string) => {
    const em = orm.em.fork();
    const t = await findThread(em, id);
    if (!t) throw businessFailure('NotFound', `thread ${id} does not exist`);
    const unit = (await findCareUnit(em, t.careUnitId))!;
    return { em, t, unit };
  };
  const unitAddress = (hsaId: string) => `enhet-${hsaId}@staff.vardmote.local`;

  return {
    async storeMessage(input: { threadId: string; author: Author; text: string }) {
      const text = checkedText(input.text);
      const row = await insertMessage(orm.em.fork(), {
        id: randomUUID(),
        threadId: input.threadId,
        authorKind: input.author.kind,
        authorId: input.author.id,
        authorName: input.author.name,
        signature: input.author.signature ?? null,
        body: text,
        dueDate: null,
      });
      return { messageId: row.id, createdAt: row.createdAt.toISOString() };
    },

    async storeSummary(input: { threadId: string; author: Author; contactDate: string; text: string }) {
      const text = checkedText(input.text);
      const summaryId = await insertSummary(orm.em.fork(), {
        id: randomUUID(),
        threadId: input.threadId,
        contactDate: input.contactDate,
        visitType: WRITTEN_CONTACT,
        text,
        signedBy: input.author.id,
        signedByName: input.author.name,
      });
      // A documented chat day is a registered contact (RULES.md §10: written contact), once per day.
      const thread = await findThread(orm.em.fork(), input.threadId);
      if (thread)
        await registerContact(orm.em.fork(), {
          source: 'thread',
          sourceId: `${input.threadId}:${input.contactDate}`,
          careUnitId: thread.careUnitId,
          patientId: thread.patientId,
          clinicianId: input.author.kind === 'staff' ? await clinicianIdByHsaId(orm.em.fork(), input.author.id) : null,
          kind: 'chat',
          outcome: 'attended',
          contactDate: input.contactDate,
        });
      return { summaryId };
    },

    async projectThread(input: Parameters<typeof projectThread>[1]) {
      await projectThread(orm.em.fork(), input);
    },

    /**
     * Mails about a thread: a patient's message to the unit (its text, escaped), an answer's notice to
     * the patient (no content: it is read after logging in), the unit's reminder, the summary reminder.
     */
    async notifyThread(input: {
      threadId: string;
      messageId: string | null;
      kind: 'to-unit' | 'to-patient' | 'reminder' | 'summary-reminder';
      contactDate?: string;
      /** The reminder's deadline, as the workflow holds it. */
      deadline?: { dueDate: string; at: string };
    }) {
      const { em, t, unit } = await thread(input.threadId);
      const msg = input.messageId ? await findMessage(em, input.messageId) : null;
      const patient = (await findPatient(em, t.patientId))!;
      const data = {
        unitName: unit.name,
        subject: t.subject,
        text: msg?.body ?? '',
        dueDate: input.deadline?.dueDate ?? t.dueDate ?? '',
        contactDate: input.contactDate ?? '',
        patientName: `${patient.givenName} ${patient.familyName}`,
      };
      const key = `thread:${t.id}:${input.kind}:${input.messageId ?? input.contactDate ?? input.deadline?.at}`;
      // The patient's mail is in the reader's language (issue 28); the unit's stays Swedish.
      const contact = input.kind === 'to-patient' ? await mailContactFor(em, t.patientId) : null;
      const lang = contact?.language ?? 'sv';
      const { html, text } = renderMail(`thread-${input.kind}`, { ...data, lang });
      const to = contact ? (contact.email ?? `patient-${t.patientId}@invalid.local`) : unitAddress(unit.hsaId);
      const subject = {
        'to-unit': `Nytt meddelande: ${t.subject}`,
        'to-patient': tr(lang, 'mail.answer.subject', { unit: unit.name }),
        reminder: `Påminnelse: meddelande ska besvaras senast ${data.dueDate}`,
        'summary-reminder': `Sammanfattning saknas i journalen för ${input.contactDate}`,
      }[input.kind];
      return deliver(key, { careUnitId: t.careUnitId, patientId: t.patientId }, { to, subject, html, text });
    },

    /** The answer came too late: the unit's care administrators are told and one deviation is recorded per breach. */
    async escalateLateAnswer(input: { threadId: string; deadlineAt: string; dueDate: string }) {
      const { em, t, unit } = await thread(input.threadId);
      await recordDeviation(em, {
        encounterId: null,
        threadId: t.id,
        category: 'late-answer',
        severity: 'medium',
        description: `Meddelande inte besvarat inom 2 arbetsdagar (senast ${input.dueDate})`,
        dedupeKey: `thread:${t.id}:late:${input.deadlineAt}`,
      });
      const { html, text } = renderMail('thread-escalation', {
        unitName: unit.name,
        subject: t.subject,
        dueDate: input.dueDate,
      });
      for (const hsaId of await careAdminsOf(em, t.careUnitId))
        await deliver(
          `thread:${t.id}:escalation:${input.deadlineAt}:${hsaId}`,
          { careUnitId: t.careUnitId, patientId: t.patientId },
          {
            to: `${hsaId}@staff.vardmote.local`,
            subject: `Försenat svar: ${t.subject}`,
            html,
            text,
          },
        );
    },

    /** A day of care in the thread without its journal summary (the encounter's documentation rule). */
    async recordThreadDeviation(input: { threadId: string; contactDate: string; kind?: 'not-in-journal' }) {
      const { em, t } = await thread(input.threadId);
      // The day's summary signed but not in the journal system (issue 25), or not signed at all.
      await recordDeviation(
        em,
        input.kind === 'not-in-journal'
          ? {
              encounterId: null,
              threadId: t.id,
              category: 'not-in-journal',
              severity: 'medium',
              description: `Sammanfattningen för meddelanden ${input.contactDate} har inte nått journalsystemet`,
              dedupeKey: `thread:${t.id}:journal:${input.contactDate}`,
            }
          : {
              encounterId: null,
              threadId: t.id,
              category: 'missing-documentation',
              severity: 'medium',
              description: `Sammanfattning i journalen saknas för meddelanden ${input.contactDate}`,
              dedupeKey: `thread:${t.id}:summary:${input.contactDate}`,
            },
      );
    },
  };
}

export type MessageActivities = ReturnType<typeof createMessageActivities>;
