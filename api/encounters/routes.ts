/** JSON routes of the encounter: create, list, read, and one route per workflow update or signal. */
import type { Request } from 'express';
import type { AppDeps } from '../deps';
import type { Grantee } from '../http/access';
import { encounterScoped, roles, type EncounterScope } from '../http/guards';
import { get, post, type Guard, type RouteDef } from '../http/route';
import type { UpdateDefinition } from '@temporalio/client';
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
  /** A route that is one workflow update: its argument from the request, the new state as the answer. */
  const update = <A>(
    path: string,
    guard: Guard<EncounterScope>,
    def: UpdateDefinition<m.EncounterState, [A & { actor: m.Actor }]>,
    arg: (req: Request, enc: EncounterScope) => A | Promise<A>,
  ) =>
    post(
      path,
      guard,
      async (req, res, enc) => void res.json(await runUpdate(temporal, req, enc, def, await arg(req, enc))),
    );
  const body =
    <T>(schema: { parse(v: unknown): T }) =>
    (req: Request) =>
      schema.parse(req.body);
  const slot = async (req: Request, { row }: EncounterScope) => ({
    slotId: await bookableSlot(req.em, row, S.SlotChoice.parse(req.body).slotId),
  });
  const CLINICIAN = encounterScoped('clinician');
  const BOOKER = encounterScoped(...BOOKERS);
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
    update('/api/encounters/:id/eligibility', CLINICIAN, m.answerEligibilityUpdate, body(S.Eligibility)),
    // The identity step is the logged-in person: their verified e-ID, never a body.
    update(
      '/api/encounters/:id/identity',
      encounterScoped('patient'),
      m.recordIdentityUpdate,
      (_req, { principal: p }) => {
        const person = p as Extract<typeof p, { kind: 'person' }>;
        const claims: m.IdentityClaims = { personnummer: person.personnummer, loa: person.loa, method: person.method };
        return { claims };
      },
    ),
    update('/api/encounters/:id/booking', BOOKER, m.bookUpdate, slot),
    update('/api/encounters/:id/reschedule', BOOKER, m.rescheduleUpdate, slot),
    update('/api/encounters/:id/checklist', CLINICIAN, m.confirmChecklistUpdate, body(S.Checklist)),
    update('/api/encounters/:id/admit', CLINICIAN, m.admitPatientUpdate, () => ({})),
    update('/api/encounters/:id/end', CLINICIAN, m.endSessionUpdate, () => ({})),
    update('/api/encounters/:id/phone', CLINICIAN, m.switchToPhoneUpdate, body(S.PhoneFallback)),
    update('/api/encounters/:id/journal-note', CLINICIAN, m.submitJournalNoteUpdate, body(S.JournalNote)),
    // The note could not be sent to the journal system: entered there by hand (issue 25).
    update(
      '/api/encounters/:id/journal-entry',
      encounterScoped('clinician', 'care_admin'),
      m.confirmManualJournalEntryUpdate,
      () => ({}),
    ),
    update('/api/encounters/:id/cancel', BOOKER, m.cancelUpdate, body(S.Cancel)),
    // Presence from a system that watches the meeting (Janus reports through its own event sink).
    post('/api/encounters/:id/participants', encounterScoped('scope:participants'), async (req, res, enc) => {
      await signalPresence(temporal, req, enc, S.Participant.parse(req.body));
      res.status(202).json({ accepted: true });
    }),
  ];
}
