/** Back-office pages (server-rendered Handlebars): encounter list with a status chart, one encounter. */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { actorForEncounter, allow, Grantee, permits, unitsFor } from '../access';
import { principalId } from '../auth';
import { notFound } from '../errors';
import { liveState } from '../encounters/service';
import { loggedWithin } from '../../db/access-log';
import { registerEncounterActions } from './actions';
import { logAccess } from '../audit';
import { issueLinksFor } from '../meet/routes';
import { statusLabel, sv, WAITING_LABELS } from '../../admin-ui/labels';
import { encounterPage, ENCOUNTER_READERS } from './encounter-page';
import { IdParam, ListEncounters } from '../encounters/schemas';
import { countEncountersByStatus, getEncounterRow, listEncounters } from '../../db/encounters';
import { listOutbox } from '../../db/outbox';
import { EncounterStatus, STATUS_LABELS_SV, STEPS, EXITS } from '../../workflows/encounter.messages';

/** Every member of staff sees the overview (counts only, no patient data). */
const STAFF: Grantee[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'];
const ALL_STATUSES: EncounterStatus[] = [...STEPS, ...EXITS];

export function adminRouter(deps: AppDeps): Router {
  const { temporal, config } = deps;
  const router = Router();

  router.get('/admin', allow(...STAFF), async (req, res) => {
    const byStatus = await countEncountersByStatus(req.em);
    const max = Math.max(1, ...byStatus.values());
    const bars = ALL_STATUSES.map((s, i) => ({
      status: s,
      label: STATUS_LABELS_SV[s],
      n: byStatus.get(s) ?? 0,
      y: i * 26,
      width: Math.round(((byStatus.get(s) ?? 0) / max) * 300),
    }));
    res.render('home', {
      title: 'Översikt',
      bars,
      chartHeight: bars.length * 26,
      total: [...byStatus.values()].reduce((a, b) => a + b, 0),
    });
  });

  router.get('/admin/encounters', allow(...ENCOUNTER_READERS), async (req, res) => {
    const q = ListEncounters.parse(req.query);
    const page = await listEncounters(req.em, {
      ...q,
      careUnitIds: unitsFor(req.principal!, ['care_admin', 'clinician', 'quality_lead']) ?? undefined,
    });
    await logAccess(req, {
      action: 'list',
      target: 'admin:encounters',
      patientIds: [...new Set(page.items.map((i) => i.patientId))],
    });
    res.set('cache-control', 'no-store');
    const pages = Math.max(1, Math.ceil(page.total / q.pageSize));
    res.render('encounters/list', {
      title: 'Vårdmöten',
      items: page.items.map((i) => ({
        ...i,
        statusLabel: statusLabel(i.status),
        waitingFor: i.waitingFor ? sv(WAITING_LABELS, i.waitingFor) : null,
      })),
      total: page.total,
      canCreate: permits(req.principal!, ['care_admin']),
      statuses: ALL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS_SV[s], selected: s === q.status })),
      page: q.page,
      pages,
      prev: q.page > 1 ? q.page - 1 : null,
      next: q.page < pages ? q.page + 1 : null,
      status: q.status ?? '',
    });
  });

  const showEncounter = encounterPage(temporal);
  // Before '/admin/encounters/:id', so that 'new' is not taken for an id.
  registerEncounterActions(router, deps, showEncounter);

  /** The page's live state (its script polls it): what changed, without patient details. */
  router.get('/admin/encounters/:id/live', allow(...ENCOUNTER_READERS), async (req, res) => {
    const { id } = IdParam.parse(req.params);
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('vårdmöte');
    await actorForEncounter(req, row, ENCOUNTER_READERS);
    // Watching one page is one access: logged once a minute, not on every poll.
    if (
      !(await loggedWithin(
        req.em,
        { actor: principalId(req.principal!), action: 'watch', patientId: row.patientId },
        60,
      ))
    )
      await logAccess(req, { action: 'watch', target: `encounter:${id}`, patientIds: [row.patientId] });
    const state = await liveState(temporal, row.workflowId);
    res.set('cache-control', 'no-store').json({
      status: state?.status ?? row.status,
      statusLabel: statusLabel(state?.status ?? row.status),
      events: state?.timeline.length ?? 0,
    });
  });

  router.get('/admin/encounters/:id', allow(...ENCOUNTER_READERS), async (req, res) =>
    showEncounter(req, res, IdParam.parse(req.params).id),
  );

  /** Utkorg: every message the system has sent or stored (the embedded default has no SMTP server). */
  router.get('/admin/outbox', allow('care_admin'), async (req, res) => {
    const messages = await listOutbox(req.em, { withText: true });
    await logAccess(req, { action: 'list', target: 'admin:outbox' });
    res.set('cache-control', 'no-store');
    res.render('outbox/list', {
      title: 'Utkorg',
      messages,
      statusLabels: {
        pending: 'Väntar',
        sent: 'Skickat',
        stored: 'Sparat (ingen e-postserver)',
        failed: 'Misslyckades',
      },
    });
  });

  /** Möteslänkar: one-time links for the patient and the clinician, shown once. */
  router.post('/admin/encounters/:id/meeting-links', allow('care_admin', 'clinician'), async (req, res) => {
    const { id } = IdParam.parse(req.params);
    const links = await issueLinksFor(req, id, config);
    await showEncounter(req, res.status(201), id, { links });
  });
  return router;
}
