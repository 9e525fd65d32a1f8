/**
 * What staff do on an encounter's page: create, book, reschedule, cancel, note why a patient did not
 * come, switch to phone, withdraw meeting links. Each is a form post (with its CSRF token); a refusal
 * shows the page again with a Swedish message, and every attempt is in the access log.
 */
import type { Request, Response } from 'express';
import type { Client, UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { Caller, EncounterScope } from '../http/guards';
import { logAccess, onEncounter } from '../http/audit';
import { principalId } from '../auth';
import { HttpError, toHttp } from '../http/errors';
import { bookableSlot } from '../encounters/booking';
import { createEncounter } from '../encounters/service';
import { runUpdate } from '../encounters/updates';
import { revokeMeetingLinks } from '../meet/links';
import { listCareUnits } from '../../db/care';
import { findDeviationOf, reviewDeviation } from '../../db/deviations';
import { refusalLabel } from '../../domain/labels';
import * as m from '../../workflows/encounter.messages';
import type { encounterPage } from './encounter-page';

const SlotForm = z.object({ slotId: z.string().uuid({ message: 'välj en tid' }) });
const ReasonForm = z.object({ reason: z.string().trim().min(1, 'skriv en orsak').max(500) });
const PhoneForm = z.object({ error: z.string().trim().min(1).max(1000) });
const NewEncounterForm = z
  .object({
    personnummer: z.string().trim().min(10, 'skriv patientens personnummer'),
    careUnitId: z.string().uuid(),
    reason: z.string().trim().max(500).optional(),
    invite: z.literal('1').optional(),
    purpose: z.string().trim().max(1000).optional(),
  })
  .refine((f) => !f.invite || !!f.purpose, { message: 'skriv kallelsens text till patienten', path: ['purpose'] });

type Show = ReturnType<typeof encounterPage>;

/** The care administrator's units, for the new-encounter form. */
const unitsOf = async (req: Request, { units }: Caller) =>
  (await listCareUnits(req.em)).filter((u) => !units || units.includes(u.id));

export async function newEncounterForm(req: Request, res: Response, caller: Caller) {
  res.render('encounters/new', { title: 'Nytt vårdmöte', units: await unitsOf(req, caller), form: {} });
}

export async function createFromForm({ temporal, config }: AppDeps, req: Request, res: Response, caller: Caller) {
  const form = NewEncounterForm.safeParse(req.body);
  const again = async (status: number, error: string) =>
    res.status(status).render('encounters/new', {
      title: 'Nytt vårdmöte',
      units: await unitsOf(req, caller),
      form: req.body,
      error,
    });
  if (!form.success)
    return void (await again(400, `${form.error.issues[0].path.join('.')}: ${form.error.issues[0].message}`));
  const p = caller.principal;
  if (caller.units && !caller.units.includes(form.data.careUnitId))
    return void (await again(403, refusalLabel('forbidden')));
  try {
    const { id } = await createEncounter(
      req.em,
      temporal,
      config.temporal.taskQueue,
      { id: principalId(p), role: 'admin', name: p.kind === 'staff' ? p.name : undefined },
      {
        personnummer: form.data.personnummer,
        careUnitId: form.data.careUnitId,
        reason: form.data.reason || undefined,
        ...(form.data.invite ? { invitation: { purpose: form.data.purpose! } } : {}),
      },
      (tx, encounterId, patientId) =>
        logAccess(
          req,
          {
            action: 'create',
            target: `encounter:${encounterId}`,
            patientIds: [patientId],
            careUnitId: form.data.careUnitId,
          },
          tx,
        ),
    );
    res.redirect(303, `/admin/encounters/${id}`);
  } catch (err) {
    const { status, body } = toHttp(err);
    if (status >= 500) throw err;
    await again(status, status === 404 ? 'Det finns ingen patient med det personnumret.' : refusalLabel(body.error));
  }
}

/** Page actions that are one workflow update: a refusal re-renders the page with its reason. */
export function updateActions(temporal: Client, show: Show) {
  const act =
    <A>(
      def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
      arg: (req: Request, enc: EncounterScope) => Promise<A> | A,
    ) =>
    async (req: Request, res: Response, enc: EncounterScope) => {
      try {
        await runUpdate(temporal, req, enc, def, await arg(req, enc));
        res.redirect(303, `/admin/encounters/${enc.row.id}`);
      } catch (err) {
        const { status, body } = toHttp(err);
        if (status >= 500) throw err;
        await show(req, res.status(status), enc, { error: refusalLabel(body.error) });
      }
    };
  const form = <T>(schema: z.ZodType<T>, field: string, message: string, body: unknown): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, `${field}: ${message}`, field, 'validation');
    return parsed.data;
  };
  const slot = async (req: Request, { row }: EncounterScope) => ({
    slotId: await bookableSlot(req.em, row, form(SlotForm, 'slotId', 'choose a slot', req.body).slotId),
  });
  return {
    book: act(m.bookUpdate, slot),
    reschedule: act(m.rescheduleUpdate, slot),
    cancel: act(m.cancelUpdate, (req) => form(ReasonForm, 'reason', 'write a reason', req.body)),
    // The booked clinician, when video fails: the failure becomes a deviation with what they saw.
    phone: act(m.switchToPhoneUpdate, (req) => form(PhoneForm, 'error', 'describe what failed', req.body)),
  };
}

/** Why the patient did not come: a note on the encounter's no-show deviation, for the quality lead. */
export async function noShowReason(show: Show, req: Request, res: Response, enc: EncounterScope) {
  const { row, principal: p } = enc;
  const form = ReasonForm.safeParse(req.body);
  const deviation = await findDeviationOf(req.em, row.id, 'no-show');
  if (!form.success || !deviation)
    return void (await show(req, res.status(form.success ? 409 : 400), enc, {
      error: form.success
        ? 'Vårdmötet har ingen avvikelse för uteblivet besök.'
        : 'Skriv orsaken till att patienten uteblev.',
    }));
  await reviewDeviation(
    req.em,
    deviation.id,
    { actor: principalId(p), actorName: p.kind === 'staff' ? p.name : '' },
    { toStatus: deviation.status, note: `Orsak till uteblivet besök: ${form.data.reason}` },
  );
  await logAccess(req, onEncounter(row, 'no-show-reason'));
  res.redirect(303, `/admin/encounters/${row.id}`);
}

/** Withdraws the encounter's meeting links; the revocation and its access-log row commit together. */
export async function revokeLinks(req: Request, { row }: EncounterScope): Promise<number> {
  return req.em.transactional(async (tx) => {
    const revoked = await revokeMeetingLinks(tx, row.id);
    await logAccess(req, onEncounter(row, 'revoke-meeting-links'), tx);
    return revoked;
  });
}
