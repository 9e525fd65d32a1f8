/** Back-office pages (server-rendered Handlebars): encounter list with a status chart, one encounter. */
import { Router, Request, Response } from 'express';
import type { AppDeps } from '../deps';
import { actorForEncounter, allow, Grantee, unitsFor } from '../access';
import { logAccess } from '../audit';
import { issueLinksFor } from '../meet/routes';
import { notFound } from '../errors';
import {
  CHARGE_LABELS,
  EVENT_LABELS,
  OUTCOME_LABELS,
  ROLE_LABELS,
  statusLabel,
  sv,
  WAITING_LABELS,
} from '../../admin-ui/labels';
import { IdParam, ListEncounters } from '../encounters/schemas';
import { countEncountersByStatus, getEncounterRow, listEncounters } from '../../db/encounters';
import { listOutbox } from '../../db/outbox';
import { liveState } from '../encounters/service';
import { EncounterStatus, STATUS_LABELS_SV, STEPS, EXITS } from '../../workflows/encounter.messages';

/** Every member of staff sees the overview (counts only, no patient data). */
const STAFF: Grantee[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'];
/** Who reads encounters in the back office, each within their care units. */
const ENCOUNTER_READERS: Grantee[] = ['care_admin', 'clinician', 'quality_lead'];
const ALL_STATUSES: EncounterStatus[] = [...STEPS, ...EXITS];

export function adminRouter({ temporal, config }: AppDeps): Router {
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
      statuses: ALL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS_SV[s], selected: s === q.status })),
      page: q.page,
      pages,
      prev: q.page > 1 ? q.page - 1 : null,
      next: q.page < pages ? q.page + 1 : null,
      status: q.status ?? '',
    });
  });

  const showEncounter = async (
    req: Request,
    id: string,
    res: Response,
    links?: { patientUrl: string; clinicianUrl: string; expiresAt: Date },
  ) => {
    const row = await getEncounterRow(req.em, id);
    if (!row) throw notFound('vårdmöte');
    await actorForEncounter(req, row, ENCOUNTER_READERS);
    await logAccess(req, { action: 'read', target: `encounter:${id}`, patientIds: [row.patientId] });
    res.set('cache-control', 'no-store');
    const state = await liveState(temporal, row.workflowId);
    const status = (state?.status ?? row.status) as EncounterStatus;
    res.render('encounters/show', {
      title: `Vårdmöte ${row.patientName}`,
      row,
      state,
      statusLabel: STATUS_LABELS_SV[status],
      steps: STEPS.map((s) => ({
        label: STATUS_LABELS_SV[s],
        done: STEPS.indexOf(s) < STEPS.indexOf(state?.step ?? 'requested'),
        current: s === state?.step,
      })),
      waitingFor: state?.waitingFor ? sv(WAITING_LABELS, state.waitingFor) : null,
      timeline: (state?.timeline ?? []).map((t) => ({
        at: t.at,
        step: statusLabel(t.step),
        event: sv(EVENT_LABELS, t.event),
        who: t.actor.name ?? (t.actor.role === 'system' ? 'systemet' : t.actor.id),
        role: sv(ROLE_LABELS, t.actor.role),
        outcome: sv(OUTCOME_LABELS, t.outcome),
      })),
      charges: (state?.charges ?? []).map((c) => ({
        ...c,
        label: sv(CHARGE_LABELS, c.kind),
        reason: sv(OUTCOME_LABELS, c.reason),
      })),
      canInvite: state !== null && ['pre-meeting', 'video'].includes(state.status),
      links,
    });
  };

  router.get('/admin/encounters/:id', allow(...ENCOUNTER_READERS), async (req, res) =>
    showEncounter(req, IdParam.parse(req.params).id, res),
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
    await showEncounter(req, id, res.status(201), links);
  });
  return router;
}
