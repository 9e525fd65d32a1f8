/** Back-office pages (server-rendered Handlebars): encounter list with a status chart, one encounter. */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { actorForEncounter, allow, Grantee, permits, unitsFor } from '../http/access';
import { principalId } from '../auth';
import { notFound } from '../http/errors';
import { liveState } from '../encounters/service';
import { loggedWithin } from '../../db/access-log';
import { registerEncounterActions } from './actions';
import { logAccess } from '../http/audit';
import { issueLinksFor } from '../meet/routes';
import { statusLabel, sv, WAITING_LABELS } from '../../domain/labels';
import { encounterPage, ENCOUNTER_READERS } from './encounter-page';
import { IdParam, ListEncounters } from '../encounters/schemas';
import { listCareUnits, listClinicians } from '../../db/care';
import { findPatientIdByPersonnummer } from '../../db/people';
import { parsePersonnummer } from '../../domain/personnummer';
import { z } from 'zod';
import { countEncountersByStatus, getEncounterRow, listEncounters } from '../../db/encounters';
import { countOpenDeviations } from '../../db/deviations';
import { answerCounts } from '../../db/messages';
import { addDays, isoWeekday, stockholmDateOf, stockholmMidnight } from '../../domain/dates';
import { optional, optionalDay } from '../http/forms';
import { listOutbox } from '../../db/outbox';
import { EncounterStatus, STATUS_LABELS_SV, STEPS, EXITS } from '../../workflows/encounter.messages';

/** Every member of staff sees the overview (counts only, no patient data). */
const STAFF: Grantee[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'];
const ALL_STATUSES: EncounterStatus[] = [...STEPS, ...EXITS];
/** The list page's query: the API's filters, with whole Stockholm days and a personnummer search. */
const AdminListQuery = ListEncounters.extend({
  status: optional(z.string()),
  careUnitId: optional(z.string().uuid()),
  clinicianId: optional(z.string().uuid()),
  from: optionalDay,
  to: optionalDay,
  personnummer: optional(z.string().max(20)),
});
/** Matches no patient: a personnummer we do not know finds nothing. */
const NO_PATIENT = '00000000-0000-0000-0000-000000000000';

export function adminRouter(deps: AppDeps): Router {
  const { temporal, config } = deps;
  const router = Router();

  router.get('/admin', allow(...STAFF), async (req, res) => {
    const p = req.principal!;
    const readsEncounters = permits(p, ENCOUNTER_READERS);
    const units = readsEncounters ? unitsFor(p, ['care_admin', 'clinician', 'quality_lead']) : [];
    const byStatus = await countEncountersByStatus(req.em, { careUnitIds: units });
    const max = Math.max(1, ...byStatus.values());
    const bars = ALL_STATUSES.map((s, i) => ({
      status: s,
      label: STATUS_LABELS_SV[s],
      n: byStatus.get(s) ?? 0,
      y: i * 26,
      width: Math.round(((byStatus.get(s) ?? 0) / max) * 300),
    }));
    // Today and this week in Stockholm, as instants for the list's filters.
    const today = stockholmDateOf(new Date());
    const monday = addDays(today, 1 - isoWeekday(today));
    const [dayStart, dayEnd, weekStart, weekEnd] = [today, addDays(today, 1), monday, addDays(monday, 7)].map(
      stockholmMidnight,
    );
    const todays = await countEncountersByStatus(req.em, { careUnitIds: units, from: dayStart, to: dayEnd });
    const noShows =
      (await countEncountersByStatus(req.em, { careUnitIds: units, from: weekStart, to: weekEnd })).get('no-show') ?? 0;
    const open = await countOpenDeviations(req.em, units);
    const answers = await answerCounts(req.em, units, today);
    const listUrl = (q: Record<string, string>) => `/admin/encounters?${new URLSearchParams(q).toString()}`;
    const range = (from: string, to: string) => ({ from, to });
    res.render('home', {
      title: 'Översikt',
      readsEncounters,
      bars,
      chartHeight: bars.length * 26,
      total: [...byStatus.values()].reduce((a, b) => a + b, 0),
      today: ALL_STATUSES.filter((s) => todays.get(s)).map((s) => ({
        label: STATUS_LABELS_SV[s],
        n: todays.get(s),
        href: listUrl({ status: s, ...range(today, today) }),
      })),
      cards: [
        {
          id: 'in-video',
          label: 'I väntrum eller videomöte nu',
          n: byStatus.get('video') ?? 0,
          href: listUrl({ status: 'video' }),
        },
        {
          id: 'open-deviations',
          label: 'Öppna avvikelser',
          n: [...open.values()].reduce((a, b) => a + b, 0),
          href: '/admin/deviations?status=new',
        },
        {
          id: 'overdue-documentation',
          label: 'Försenade journalanteckningar',
          n: open.get('missing-documentation') ?? 0,
          href: '/admin/deviations?category=missing-documentation',
        },
        {
          id: 'answers-due-today',
          label: 'Meddelanden att besvara i dag',
          n: answers.dueToday,
          href: '/admin/meddelanden',
        },
        {
          id: 'answers-overdue',
          label: 'Försenade svar på meddelanden',
          n: answers.overdue,
          href: '/admin/meddelanden',
        },
        {
          id: 'no-shows-week',
          label: 'Uteblivna besök den här veckan',
          n: noShows,
          href: listUrl({ status: 'no-show', ...range(monday, addDays(monday, 6)) }),
        },
      ],
    });
  });

  router.get('/admin/encounters', allow(...ENCOUNTER_READERS), async (req, res) => {
    const q = AdminListQuery.parse(req.query);
    const scope = unitsFor(req.principal!, ['care_admin', 'clinician', 'quality_lead']);
    let patientId = q.patientId;
    if (q.personnummer)
      patientId =
        (await findPatientIdByPersonnummer(req.em, parsePersonnummer(q.personnummer).normalized)) ?? NO_PATIENT;
    const page = await listEncounters(req.em, {
      ...q,
      patientId,
      from: q.from ? stockholmMidnight(q.from).toISOString() : undefined,
      to: q.to ? stockholmMidnight(addDays(q.to, 1)).toISOString() : undefined,
      careUnitIds: scope ?? undefined,
    });
    await logAccess(req, {
      action: 'list',
      target: 'admin:encounters',
      patientIds: [...new Set(page.items.map((i) => i.patientId))],
      detail: q.personnummer ? { search: 'personnummer' } : undefined,
    });
    res.set('cache-control', 'no-store');
    const pages = page.totalCapped ? null : Math.max(1, Math.ceil(page.total / q.pageSize));
    const units = (await listCareUnits(req.em)).filter((u) => !scope || scope.includes(u.id));
    const clinicians = (await listClinicians(req.em)).filter((c) => units.some((u) => u.id === c.careUnitId));
    // The filters, kept in the pager's links.
    const keep = Object.fromEntries(
      Object.entries({
        sort: q.sort === 'oldest' ? 'oldest' : undefined,
        status: q.status,
        careUnitId: q.careUnitId,
        clinicianId: q.clinicianId,
        from: q.from,
        to: q.to,
        personnummer: q.personnummer,
      }).filter(([, v]) => v),
    ) as Record<string, string>;
    const at = (n: number, after?: string) =>
      `?${new URLSearchParams({ ...keep, page: String(n), ...(after ? { after } : {}) }).toString()}`;
    res.render('encounters/list', {
      title: 'Vårdmöten',
      items: page.items.map((i) => ({
        ...i,
        statusLabel: statusLabel(i.status),
        waitingFor: i.waitingFor ? sv(WAITING_LABELS, i.waitingFor) : null,
      })),
      total: page.totalCapped ? `över ${page.total.toLocaleString('sv-SE')}` : page.total,
      canCreate: permits(req.principal!, ['care_admin']),
      statuses: ALL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS_SV[s], selected: s === q.status })),
      units: units.map((u) => ({ value: u.id, label: u.name, selected: u.id === q.careUnitId })),
      clinicians: clinicians.map((c) => ({
        value: c.id,
        label: `${c.givenName} ${c.familyName}`,
        selected: c.id === q.clinicianId,
      })),
      filter: q,
      page: q.page,
      pages,
      prev: q.page > 1 ? at(q.page - 1) : null,
      next: page.items.length === q.pageSize ? at(q.page + 1, page.items.at(-1)!.cursor) : null,
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
