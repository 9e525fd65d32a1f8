/** Mina sidor: a patient's (or guardian's) own encounters, and the identity step done by logging in. */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { actorForEncounter, allow, patientsFor } from '../access';
import { logAccess } from '../audit';
import { HttpError, notFound, toHttp } from '../errors';
import { getEncounterRow, listEncounters } from '../../db/encounters';
import { IdParam } from '../encounters/schemas';
import * as m from '../../workflows/encounter.messages';

export function patientRouter({ temporal }: AppDeps): Router {
  const router = Router();

  router.get('/mina-sidor', allow('patient'), async (req, res) => {
    const mine = (await patientsFor(req.em, req.principal!)) ?? [];
    const page = mine.length
      ? await listEncounters(req.em, { patientIds: mine.map((x) => x.patientId), page: 1, pageSize: 50 })
      : { items: [], total: 0 };
    await logAccess(req, {
      action: 'list',
      target: 'mina-sidor',
      patientIds: [...new Set(page.items.map((i) => i.patientId))],
    });
    res.set('cache-control', 'no-store').render('patient/home', {
      layout: 'meet',
      title: 'Mina vårdmöten',
      notice: req.query.klart !== undefined ? 'Tack! Din identitet är bekräftad för vårdmötet.' : null,
      items: page.items.map((i) => ({
        ...i,
        statusLabel: m.STATUS_LABELS_SV[i.status as m.EncounterStatus] ?? i.status,
        needsIdentity: i.status === 'identity',
        forChild: mine.find((x) => x.patientId === i.patientId)?.actingAs === 'guardian',
      })),
    });
  });

  // The identity step: the logged-in person's own e-ID (LoA3) is what the workflow checks against the patient.
  router.post('/mina-sidor/vardmoten/:id/legitimera', allow('patient'), async (req, res) => {
    const p = req.principal!;
    if (p.kind !== 'person')
      throw new HttpError(403, 'Bara patienten eller en vårdnadshavare kan legitimera sig.', undefined, 'forbidden');
    const { id } = IdParam.parse(req.params);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('vårdmöte');
    const actor = await actorForEncounter(req, row, ['patient']);
    try {
      await temporal.workflow.getHandle(row.workflowId).executeUpdate(m.recordIdentityUpdate, {
        args: [{ actor, claims: { personnummer: p.personnummer, loa: p.loa, method: p.method } }],
      });
      await logAccess(req, { action: 'update:recordIdentity', target: `encounter:${id}`, patientIds: [row.patientId] });
    } catch (err) {
      await logAccess(req, {
        action: 'update:recordIdentity',
        target: `encounter:${id}`,
        patientIds: [row.patientId],
        outcome: toHttp(err).status < 500 ? 'refused' : 'error',
      });
      throw err;
    }
    res.redirect(303, '/mina-sidor?klart');
  });
  return router;
}
