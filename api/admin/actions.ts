/**
 * What a care administrator does on an encounter's page: create, book, reschedule, cancel, note why
 * a patient did not come, withdraw meeting links. Each is a form post (with its CSRF token); a refusal
 * shows the page again with a Swedish message, and every attempt is in the access log.
 */
import type { Request, Response, Router } from 'express';
import type { UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { StaffRoleName } from '../../db/entities';
import { actorForEncounter, allow, unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import { principalId } from '../auth';
import { HttpError, notFound, toHttp } from '../http/errors';
import { bookableSlot } from '../encounters/booking';
import { createEncounter } from '../encounters/service';
import { IdParam } from '../encounters/schemas';
import { revokeMeetingLinks } from '../meet/links';
import { listCareUnits } from '../../db/care';
import { getEncounterRow } from '../../db/encounters';
import { findDeviationOf, reviewDeviation } from '../../db/deviations';
import * as m from '../../workflows/encounter.messages';
import type { encounterPage } from './encounter-page';

/** Refusals in the words a care administrator reads, by the API's error code. */
const REFUSALS_SV: Record<string, string> = {
  WrongStep: 'Det går inte i vårdmötets nuvarande steg. Sidan visar vad som går just nu.',
  SlotTaken: 'Tiden hann bokas av någon annan. Välj en annan tid.',
  WrongActor: 'Det här får bara den person göra som steget väntar på.',
  Busy: 'Vårdmötet ändras just nu av någon annan. Försök igen om en stund.',
  Invalid: 'Uppgifterna är inte giltiga.',
  NotFound: 'Det du valde finns inte längre.',
  'not-found': 'Det du valde finns inte längre.',
  'slot-other-unit': 'Tiden hör till en annan mottagning.',
  'slot-started': 'Tiden har redan börjat. Välj en senare tid.',
  forbidden: 'Du har inte behörighet till detta.',
  validation: 'Något fält är inte rätt ifyllt.',
  checksum: 'Personnumret är inte giltigt (kontrollsiffran stämmer inte).',
};
const refusalSv = (code: string) => REFUSALS_SV[code] ?? 'Åtgärden kunde inte genomföras.';

const SlotForm = z.object({ slotId: z.string().uuid({ message: 'välj en tid' }) });
const ReasonForm = z.object({ reason: z.string().trim().min(1, 'skriv en orsak').max(500) });
const NewEncounterForm = z.object({
  personnummer: z.string().trim().min(10, 'skriv patientens personnummer'),
  careUnitId: z.string().uuid(),
  reason: z.string().trim().max(500).optional(),
});

type Show = ReturnType<typeof encounterPage>;

export function registerEncounterActions(router: Router, { temporal, config }: AppDeps, show: Show): void {
  const unitsOf = async (req: Request) => {
    const mine = unitsFor(req.principal!, ['care_admin']);
    return (await listCareUnits(req.em)).filter((u) => !mine || mine.includes(u.id));
  };

  router.get('/admin/encounters/new', allow('care_admin'), async (req, res) => {
    res.render('encounters/new', { title: 'Nytt vårdmöte', units: await unitsOf(req), form: {} });
  });

  router.post('/admin/encounters', allow('care_admin'), async (req, res) => {
    const form = NewEncounterForm.safeParse(req.body);
    const again = async (status: number, error: string) =>
      res
        .status(status)
        .render('encounters/new', { title: 'Nytt vårdmöte', units: await unitsOf(req), form: req.body, error });
    if (!form.success)
      return void (await again(400, `${form.error.issues[0].path.join('.')}: ${form.error.issues[0].message}`));
    const p = req.principal!;
    if (!(await unitsOf(req)).some((u) => u.id === form.data.careUnitId))
      return void (await again(403, refusalSv('forbidden')));
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
        },
        (tx, encounterId, patientId) =>
          logAccess(req, { action: 'create', target: `encounter:${encounterId}`, patientIds: [patientId] }, tx),
      );
      res.redirect(303, `/admin/encounters/${id}`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      await again(status, status === 404 ? 'Det finns ingen patient med det personnumret.' : refusalSv(body.error));
    }
  });

  /** Runs a workflow update as the care administrator; a refusal re-renders the page with its reason. */
  const act = async <A>(
    req: Request,
    res: Response,
    def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
    arg: (row: NonNullable<Awaited<ReturnType<typeof getEncounterRow>>>) => Promise<A> | A,
    roles: StaffRoleName[] = ['care_admin'],
  ) => {
    const { id } = IdParam.parse(req.params);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('vårdmöte');
    const target = `encounter:${id}`;
    try {
      const actor = await actorForEncounter(req, row, roles);
      await temporal.workflow.getHandle(row.workflowId).executeUpdate(def, { args: [{ ...(await arg(row)), actor }] });
      await logAccess(req, { action: `update:${def.name}`, target, patientIds: [row.patientId] });
      res.redirect(303, `/admin/encounters/${id}`);
    } catch (err) {
      const { status, body } = toHttp(err);
      if (status >= 500) throw err;
      await logAccess(req, {
        action: `update:${def.name}`,
        target,
        patientIds: [row.patientId],
        outcome: 'refused',
        detail: { error: body.error },
      });
      await show(req, res.status(status), id, { error: refusalSv(body.error) });
    }
  };

  const slotOf = (req: Request) => async (row: { careUnitId: string }) => {
    const form = SlotForm.safeParse(req.body);
    if (!form.success) throw new HttpError(400, 'slotId: choose a slot', 'slotId', 'validation');
    return { slotId: await bookableSlot(req.em, row, form.data.slotId) };
  };
  router.post('/admin/encounters/:id/book', allow('care_admin'), (req, res) =>
    act(req, res, m.bookUpdate, slotOf(req)),
  );
  router.post('/admin/encounters/:id/reschedule', allow('care_admin'), (req, res) =>
    act(req, res, m.rescheduleUpdate, slotOf(req)),
  );
  router.post('/admin/encounters/:id/cancel', allow('care_admin'), (req, res) =>
    act(req, res, m.cancelUpdate, () => {
      const form = ReasonForm.safeParse(req.body);
      if (!form.success) throw new HttpError(400, 'reason: write a reason', 'reason', 'validation');
      return { reason: form.data.reason };
    }),
  );

  // The booked clinician, when video fails: the failure becomes a deviation with what they saw.
  router.post('/admin/encounters/:id/phone', allow('clinician'), (req, res) =>
    act(
      req,
      res,
      m.switchToPhoneUpdate,
      () => {
        const form = z.object({ error: z.string().trim().min(1).max(1000) }).safeParse(req.body);
        if (!form.success) throw new HttpError(400, 'error: describe what failed', 'error', 'validation');
        return { error: form.data.error };
      },
      ['clinician'],
    ),
  );

  // Why the patient did not come: a note on the encounter's no-show deviation, for the quality lead.
  router.post('/admin/encounters/:id/no-show-reason', allow('care_admin'), async (req, res) => {
    const { id } = IdParam.parse(req.params);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('vårdmöte');
    await actorForEncounter(req, row, ['care_admin']);
    const form = ReasonForm.safeParse(req.body);
    const deviation = await findDeviationOf(req.em, id, 'no-show');
    if (!form.success || !deviation)
      return void (await show(req, res.status(form.success ? 409 : 400), id, {
        error: form.success
          ? 'Vårdmötet har ingen avvikelse för uteblivet besök.'
          : 'Skriv orsaken till att patienten uteblev.',
      }));
    const p = req.principal!;
    await reviewDeviation(
      req.em,
      deviation.id,
      { actor: principalId(p), actorName: p.kind === 'staff' ? p.name : '' },
      {
        toStatus: deviation.status,
        note: `Orsak till uteblivet besök: ${form.data.reason}`,
      },
    );
    await logAccess(req, { action: 'no-show-reason', target: `encounter:${id}`, patientIds: [row.patientId] });
    res.redirect(303, `/admin/encounters/${id}`);
  });

  router.post('/admin/encounters/:id/meeting-links/revoke', allow('care_admin', 'clinician'), async (req, res) => {
    const { id } = IdParam.parse(req.params);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('vårdmöte');
    await actorForEncounter(req, row, ['care_admin', 'clinician']);
    const n = await req.em.transactional(async (tx) => {
      const revoked = await revokeMeetingLinks(tx, id);
      await logAccess(
        req,
        { action: 'revoke-meeting-links', target: `encounter:${id}`, patientIds: [row.patientId] },
        tx,
      );
      return revoked;
    });
    await show(req, res, id, { notice: n ? 'Möteslänkarna är återkallade.' : 'Det fanns inga giltiga möteslänkar.' });
  });
}
