/** Back-office pages (server-rendered Handlebars): encounter list with a status chart, one encounter. */
import { Router, Response } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { issueEncounterMeetingLinks } from '../meet/links';
import { notFound } from '../errors';
import { IdParam, ListEncounters } from '../encounters/schemas';
import { countEncountersByStatus, getEncounterRow, listEncounters } from '../../db/encounters';
import { listOutbox } from '../../db/outbox';
import { liveState } from '../encounters/service';
import { Actor, EncounterStatus, STATUS_LABELS_SV, STEPS, EXITS } from '../../workflows/encounter.messages';

/** Until staff log in with SITHS, back-office pages act (and are audit-logged) as this user. */
const UI_ACTOR: Actor = { id: 'admin-ui', role: 'admin', name: 'Back office' };
const ALL_STATUSES: EncounterStatus[] = [...STEPS, ...EXITS];

export function adminRouter({ temporal, config }: AppDeps): Router {
  const router = Router();

  router.get('/admin', async (req, res) => {
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

  router.get('/admin/encounters', async (req, res) => {
    const q = ListEncounters.parse(req.query);
    const em = req.em;
    const page = await listEncounters(em, q);
    await audit(em, UI_ACTOR, 'list', 'admin:encounters', [...new Set(page.items.map((i) => i.patientId))]);
    const pages = Math.max(1, Math.ceil(page.total / q.pageSize));
    res.render('encounters/list', {
      title: 'Vårdmöten',
      items: page.items.map((i) => ({ ...i, statusLabel: STATUS_LABELS_SV[i.status as EncounterStatus] ?? i.status })),
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
    em: EntityManager,
    id: string,
    res: Response,
    links?: { patientUrl: string; clinicianUrl: string; expiresAt: Date },
  ) => {
    const row = await getEncounterRow(em, id);
    if (!row) throw notFound('vårdmöte');
    await audit(em, UI_ACTOR, 'read', `encounter:${id}`, [row.patientId]);
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
      canInvite: state !== null && ['pre-meeting', 'video'].includes(state.status),
      links,
    });
  };

  router.get('/admin/encounters/:id', async (req, res) => showEncounter(req.em, IdParam.parse(req.params).id, res));

  /** Utkorg: every message the system has sent or stored (the embedded default has no SMTP server). */
  router.get('/admin/outbox', async (req, res) => {
    const messages = await listOutbox(req.em, { withText: true });
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
  router.post('/admin/encounters/:id/meeting-links', async (req, res) => {
    const { id } = IdParam.parse(req.params);
    const links = await issueEncounterMeetingLinks(req.em, UI_ACTOR, id, {
      publicUrl: config.web.publicUrl,
      ttlSeconds: config.meet.linkTtlSeconds,
    });
    await showEncounter(req.em, id, res.status(201), links);
  });
  return router;
}
