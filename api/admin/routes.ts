/** Back-office encounter pages (server-rendered Handlebars): overview, list, one encounter and its actions, Utkorg. */
import type { AppDeps } from '../deps';
import type { StateEvents } from '../encounters/state-events';
import type { Grantee } from '../http/access';
import { encounterScoped, roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import { readOutbox } from '../catalog';
import { issueLinksFor } from '../meet/service';
import { createFromForm, newEncounterForm, noShowReason, revokeLinks, updateActions } from './actions';
import { encounterPage, ENCOUNTER_READERS } from './encounter-page';
import { renderHome } from './home';
import { renderList, searchByPersonnummer } from './list';
import { streamEncounter, watchEncounter } from './live';

/** Every member of staff sees the overview (counts only, no patient data). */
const STAFF: Grantee[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'];
const OUTBOX_STATUS_LABELS = {
  pending: 'Väntar',
  sent: 'Skickat',
  stored: 'Sparat (ingen e-postserver)',
  failed: 'Misslyckades',
};

export function adminRoutes(deps: AppDeps & { stateEvents: StateEvents }): RouteDef[] {
  const { temporal, config } = deps;
  const show = encounterPage(temporal);
  const acts = updateActions(temporal, show);
  const READ = encounterScoped(...ENCOUNTER_READERS);
  const ADMIN = encounterScoped('care_admin');
  const LINKS = encounterScoped('care_admin', 'clinician');
  return [
    get('/admin', roles(...STAFF), renderHome),
    get('/admin/encounters', roles(...ENCOUNTER_READERS), (req, res, caller) => renderList(req, res, caller)),
    post('/admin/encounters/sok', roles(...ENCOUNTER_READERS), searchByPersonnummer),
    // Literal paths before '/admin/encounters/:id', so that 'new' is not taken for an id.
    get('/admin/encounters/new', roles('care_admin'), newEncounterForm),
    post('/admin/encounters', roles('care_admin'), (req, res, caller) => createFromForm(deps, req, res, caller)),
    post('/admin/encounters/:id/book', ADMIN, acts.book),
    post('/admin/encounters/:id/reschedule', ADMIN, acts.reschedule),
    post('/admin/encounters/:id/cancel', ADMIN, acts.cancel),
    post('/admin/encounters/:id/no-show-reason', ADMIN, (req, res, enc) => noShowReason(show, req, res, enc)),
    post('/admin/encounters/:id/phone', encounterScoped('clinician'), acts.phone),
    post('/admin/encounters/:id/meeting-links/revoke', LINKS, async (req, res, enc) => {
      const n = await revokeLinks(req, enc);
      await show(req, res, enc, {
        notice: n ? 'Möteslänkarna är återkallade.' : 'Det fanns inga giltiga möteslänkar.',
      });
    }),
    // Möteslänkar: one-time links for the patient and the clinician, shown once.
    post('/admin/encounters/:id/meeting-links', LINKS, async (req, res, enc) =>
      show(req, res.status(201), enc, { links: await issueLinksFor(req, enc, config) }),
    ),
    // The page's live state, pushed (server-sent events) or, without EventSource, polled: what changed, without patient details.
    get('/admin/encounters/:id/events', READ, (req, res, enc) => streamEncounter(deps, req, res, enc)),
    get(
      '/admin/encounters/:id/live',
      READ,
      async (req, res, enc) => void res.json(await watchEncounter(temporal, req, enc)),
    ),
    get('/admin/encounters/:id', READ, (req, res, enc) => show(req, res, enc)),
    // Utkorg: the messages of the caller's units the system has sent or stored (the embedded default has no SMTP server).
    get('/admin/outbox', roles('care_admin'), async (req, res, { units }) =>
      res.set('cache-control', 'no-store').render('outbox/list', {
        title: 'Utkorg',
        messages: await readOutbox(req, units, { withText: true }),
        statusLabels: OUTBOX_STATUS_LABELS,
        smsStatusLabels: { ...OUTBOX_STATUS_LABELS, stored: 'Sparat (ingen SMS-tjänst)' },
      }),
    ),
  ];
}
