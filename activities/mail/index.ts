/** Mail activities: render a template, store it in the outbox once, then hand it to the mailer. */
import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm';
import { noShowFeeOre, listFeeOre, Region } from '../../domain/fees';
import type { EncounterPolicy } from '../../workflows/encounter.messages';
import type { Mailer, MailMessage } from './mailer';
import { renderMail } from './render';

export * from './mailer';

export function createMailActivities({ orm, mailer }: { orm: Orm; mailer: Mailer }) {
  /** Outbox first (unique idempotency key), then send; a retry after a send never sends twice. */
  async function deliver(key: string, encounterId: string | null, msg: MailMessage): Promise<{ outboxId: string; status: string }> {
    const em = orm.em.fork();
    await em.execute(
      `insert into outbox_message (id, idempotency_key, encounter_id, recipient, subject, html, text, status) values (?, ?, ?, ?, ?, ?, ?, 'pending')
       on conflict (idempotency_key) do nothing`,
      [randomUUID(), key, encounterId, msg.to, msg.subject, msg.html, msg.text],
    );
    const [row] = await em.execute<Array<{ id: string; status: string }>>('select id, status from outbox_message where idempotency_key = ?', [key]);
    if (row.status !== 'pending' && row.status !== 'failed') return { outboxId: row.id, status: row.status };
    try {
      const res = await mailer.send(msg);
      await em.execute(`update outbox_message set status = ?, sent_at = now(), error = null where id = ?`, [res.status, row.id]);
      return { outboxId: row.id, status: res.status };
    } catch (err) {
      await em.execute(`update outbox_message set status = 'failed', error = ? where id = ?`, [String(err), row.id]);
      throw err;
    }
  }

  return {
    /** Renders the kallelse with the information sheet and sends it to the patient (or guardian). */
    async sendInvitation(input: { encounterId: string; slotId: string; policy: EncounterPolicy }): Promise<{ outboxId: string; status: string }> {
      const [ctx] = await orm.em.fork().execute<
        Array<{ given_name: string; family_name: string; email: string | null; c_given: string; c_family: string; title: string; profession: string; unit: string; region: Region; starts_at: string | Date }>
      >(
        `select p.given_name, p.family_name, coalesce(p.email, g.email) as email, c.given_name as c_given, c.family_name as c_family, c.title, c.profession,
                u.name as unit, u.region, s.starts_at
           from encounter e join patient p on p.id = e.patient_id join care_unit u on u.id = e.care_unit_id
           join slot s on s.id = ? join clinician c on c.id = s.clinician_id
           left join lateral (select g.email from guardian_link l join patient g on g.id = l.guardian_id where l.child_id = p.id and not l.blocked limit 1) g on true
          where e.id = ?`,
        [input.slotId, input.encounterId],
      );
      const { html, text } = renderMail('invitation', {
        patientName: `${ctx.given_name} ${ctx.family_name}`,
        clinicianName: `${ctx.c_given} ${ctx.c_family}`,
        clinicianTitle: ctx.title,
        unitName: ctx.unit,
        startsAt: new Date(ctx.starts_at).toISOString(),
        graceMinutes: Math.round(input.policy.noShowGraceSeconds / 60),
        noShowFeeOre: noShowFeeOre(ctx.region, listFeeOre(ctx.region, ctx.profession as never, 'video'), false),
      });
      const to = ctx.email ?? `patient-${input.encounterId}@invalid.local`;
      return deliver(`${input.encounterId}:invitation:${input.slotId}`, input.encounterId, { to, subject: `Kallelse: digitalt vårdmöte ${ctx.unit}`, html, text });
    },

    /** Reminds the clinician that the journal note is missing. */
    async sendDocumentationReminder(input: { encounterId: string }): Promise<{ outboxId: string; status: string }> {
      const [ctx] = await orm.em.fork().execute<Array<{ given_name: string; family_name: string; hsa_id: string; starts_at: string | Date | null }>>(
        `select c.given_name, c.family_name, c.hsa_id, e.scheduled_start as starts_at from encounter e join clinician c on c.id = e.clinician_id where e.id = ?`,
        [input.encounterId],
      );
      const { html, text } = renderMail('documentation-reminder', {
        clinicianName: `${ctx.given_name} ${ctx.family_name}`,
        startsAt: ctx.starts_at ? new Date(ctx.starts_at).toISOString() : null,
        encounterId: input.encounterId,
      });
      return deliver(`${input.encounterId}:documentation-reminder`, input.encounterId, { to: `${ctx.hsa_id}@staff.vardmote.local`, subject: 'Journalanteckning saknas', html, text });
    },
  };
}
