/** JSON routes of the encounter: create, list, read, and one route per workflow update or signal. */
import type { Request } from 'express';
import type { AppDeps } from '../deps';
import type { Grantee } from '../http/access';
import { encounterScoped, roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import * as m from '../../workflows/encounter.messages';
import * as S from './schemas';
import { bookableSlot } from './booking';
import { runUpdate } from './updates';
import { createFromApi, listFromApi, readFromApi, signalPresence } from './api-service';

/** Who may read encounters (each within their units or their own and their children's). */
const READERS: Grantee[] = ['care_admin', 'clinician', 'quality_lead', 'patient', 'scope:encounters:read'];
const BOOKERS: Grantee[] = ['care_admin', 'patient'];

export function encounterRoutes(deps: AppDeps): RouteDef[] {
  const { temporal } = deps;
  const slot = async (req: Request, row: { careUnitId: string }) => ({
    slotId: await bookableSlot(req.em, row, S.SlotChoice.parse(req.body).slotId),
  });
  return [
    post('/api/encounters', roles('care_admin', 'scope:encounters:write'), (req, res, caller) =>
      createFromApi(deps, req, res, caller),
    ),
    get(
      '/api/encounters',
      roles(...READERS),
      async (req, res, caller) => void res.json(await listFromApi(req, caller)),
    ),
    get(
      '/api/encounters/:id',
      encounterScoped(...READERS),
      async (req, res, enc) => void res.json(await readFromApi(temporal, req, enc)),
    ),
    post(
      '/api/encounters/:id/eligibility',
      encounterScoped('clinician'),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.answerEligibilityUpdate, S.Eligibility.parse(req.body))),
    ),
    // The identity step is the logged-in person: their verified e-ID, never a body.
    post('/api/encounters/:id/identity', encounterScoped('patient'), async (req, res, enc) => {
      const p = enc.principal as Extract<typeof enc.principal, { kind: 'person' }>;
      const claims: m.IdentityClaims = { personnummer: p.personnummer, loa: p.loa, method: p.method };
      res.json(await runUpdate(temporal, req, enc, m.recordIdentityUpdate, { claims }));
    }),
    post(
      '/api/encounters/:id/booking',
      encounterScoped(...BOOKERS),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.bookUpdate, await slot(req, enc.row))),
    ),
    post(
      '/api/encounters/:id/reschedule',
      encounterScoped(...BOOKERS),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.rescheduleUpdate, await slot(req, enc.row))),
    ),
    post(
      '/api/encounters/:id/checklist',
      encounterScoped('clinician'),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.confirmChecklistUpdate, S.Checklist.parse(req.body))),
    ),
    post(
      '/api/encounters/:id/admit',
      encounterScoped('clinician'),
      async (req, res, enc) => void res.json(await runUpdate(temporal, req, enc, m.admitPatientUpdate, {})),
    ),
    post(
      '/api/encounters/:id/end',
      encounterScoped('clinician'),
      async (req, res, enc) => void res.json(await runUpdate(temporal, req, enc, m.endSessionUpdate, {})),
    ),
    post(
      '/api/encounters/:id/phone',
      encounterScoped('clinician'),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.switchToPhoneUpdate, S.PhoneFallback.parse(req.body))),
    ),
    post(
      '/api/encounters/:id/journal-note',
      encounterScoped('clinician'),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.submitJournalNoteUpdate, S.JournalNote.parse(req.body))),
    ),
    post(
      '/api/encounters/:id/cancel',
      encounterScoped(...BOOKERS),
      async (req, res, enc) =>
        void res.json(await runUpdate(temporal, req, enc, m.cancelUpdate, S.Cancel.parse(req.body))),
    ),
    // Presence from a system that watches the meeting (Janus reports through its own event sink).
    post('/api/encounters/:id/participants', encounterScoped('scope:participants'), async (req, res, enc) => {
      await signalPresence(temporal, req, enc, S.Participant.parse(req.body));
      res.status(202).json({ accepted: true });
    }),
  ];
}
