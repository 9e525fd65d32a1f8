/**
 * Avvikelser: the quality lead's list (filters by category, severity, unit, status and period), one
 * deviation with its encounter and history, the review new → under review → closed with the action
 * taken, and a CSV export of a period for the region's deviation system (columns in docs/back-office.md).
 */
import type { Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { escapeCsvRow } from '../../domain/csv';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { permits, unitsFor } from '../http/access';
import type { StaffRoleName } from '../../db/entities';
import { logAccess, shownPatients, onRecord } from '../http/audit';
import { principalId } from '../auth';
import { HttpError, notFound } from '../http/errors';
import { IdParam } from '../encounters/schemas';
import { listCareUnits } from '../../db/care';
import { deviationHistory, findDeviation, listDeviations, reviewDeviation } from '../../db/deviations';
import { DEVIATION_CATEGORIES, DEVIATION_SEVERITIES, DEVIATION_STATUSES } from '../../db/entities';
import { stockholmTime } from '../../domain/format';
import { DEVIATION_CATEGORY_LABELS, DEVIATION_SEVERITY_LABELS, DEVIATION_STATUS_LABELS, sv } from '../../domain/labels';
import { addDays, stockholmMidnight } from '../../domain/dates';
import { optional, optionalDay } from '../http/forms';
import { roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';

const READERS: StaffRoleName[] = ['quality_lead', 'care_admin'];
const Filter = z.object({
  category: optional(z.enum(DEVIATION_CATEGORIES)),
  severity: optional(z.enum(DEVIATION_SEVERITIES)),
  status: optional(z.enum(DEVIATION_STATUSES)),
  careUnitId: optional(z.string().uuid()),
  from: optionalDay,
  to: optionalDay,
});
const Review = z.discriminatedUnion('toStatus', [
  z.object({ toStatus: z.literal('under_review'), note: z.string().trim().max(2000).optional() }),
  z.object({
    toStatus: z.literal('closed'),
    action: z.string().trim().min(1, 'skriv vilken åtgärd som vidtogs').max(2000),
  }),
]);

export function deviationRoutes(_deps: AppDeps): RouteDef[] {
  const query = async (req: Request, limit: number) => {
    const f = Filter.parse(req.query);
    const rows = await listDeviations(req.em, {
      ...f,
      from: f.from ? stockholmMidnight(f.from).toISOString() : undefined,
      to: f.to ? stockholmMidnight(addDays(f.to, 1)).toISOString() : undefined,
      careUnitIds: unitsFor(req.principal!, READERS),
      limit,
    });
    return { f, rows };
  };

  return [
    get('/admin/deviations', roles(...READERS), async (req, res) => {
      const { f, rows } = await query(req, 500);
      await logAccess(req, {
        action: 'list',
        target: 'admin:deviations',
        patientIds: shownPatients(rows),
      });
      const options = (values: readonly string[], labels: Record<string, string>, selected?: string) =>
        values.map((v) => ({ value: v, label: labels[v], selected: v === selected }));
      res.render('deviations/list', {
        title: 'Avvikelser',
        items: rows.map((r) => ({
          ...r,
          category: sv(DEVIATION_CATEGORY_LABELS, r.category),
          severity: sv(DEVIATION_SEVERITY_LABELS, r.severity),
          statusLabel: sv(DEVIATION_STATUS_LABELS, r.status),
        })),
        categories: options(DEVIATION_CATEGORIES, DEVIATION_CATEGORY_LABELS, f.category),
        severities: options(DEVIATION_SEVERITIES, DEVIATION_SEVERITY_LABELS, f.severity),
        statuses: options(DEVIATION_STATUSES, DEVIATION_STATUS_LABELS, f.status),
        units: (await listCareUnits(req.em)).map((u) => ({
          value: u.id,
          label: u.name,
          selected: u.id === f.careUnitId,
        })),
        filter: f,
        csvUrl: `/admin/deviations.csv?${new URLSearchParams(Object.entries(f).filter(([, v]) => v) as string[][]).toString()}`,
      });
    }),
    get('/admin/deviations.csv', roles(...READERS), async (req, res) => {
      const { f, rows } = await query(req, 100_000);
      await logAccess(req, {
        action: 'export',
        target: 'admin:deviations.csv',
        patientIds: shownPatients(rows),
        detail: { ...f },
      });
      // Cells that start like a formula are escaped (OWASP CSV injection): a description may start with '='.
      const csv = stringify(
        rows.map((r) =>
          escapeCsvRow([
            r.id,
            stockholmTime(r.createdAt),
            r.category,
            sv(DEVIATION_CATEGORY_LABELS, r.category),
            r.severity,
            r.status,
            r.careUnitName ?? '',
            r.encounterId ?? '',
            r.description,
            r.action ?? '',
            r.closedAt ? stockholmTime(r.closedAt) : '',
          ]),
        ),
        {
          header: true,
          delimiter: ';',
          columns: [
            'avvikelse_id',
            'skapad',
            'kategori',
            'kategori_text',
            'allvarlighet',
            'status',
            'enhet',
            'vardmote_id',
            'beskrivning',
            'atgard',
            'avslutad',
          ],
        },
      );
      const name = `avvikelser_${f.from ?? 'start'}_${f.to ?? 'idag'}.csv`;
      // A BOM so that spreadsheet programs read the Swedish letters as UTF-8.
      res
        .set('content-type', 'text/csv; charset=utf-8')
        .set('content-disposition', `attachment; filename="${name}"`)
        .send(`\uFEFF${csv}`);
    }),
    get('/admin/deviations/:id', roles(...READERS), async (req, res) => {
      const { id } = IdParam.parse(req.params);
      const d = await findDeviation(req.em, id);
      const units = unitsFor(req.principal!, READERS);
      if (!d || (units && (!d.careUnitId || !units.includes(d.careUnitId)))) throw notFound('avvikelse');
      await logAccess(req, onRecord('deviation', d, 'read'));
      const history = await deviationHistory(req.em, id);
      res.render('deviations/show', {
        title: sv(DEVIATION_CATEGORY_LABELS, d.category),
        d: {
          ...d,
          severityLabel: sv(DEVIATION_SEVERITY_LABELS, d.severity),
          statusLabel: sv(DEVIATION_STATUS_LABELS, d.status),
        },
        history: history.map((h) => ({
          ...h,
          from: h.fromStatus ? sv(DEVIATION_STATUS_LABELS, h.fromStatus) : '–',
          to: sv(DEVIATION_STATUS_LABELS, h.toStatus),
        })),
        canReview: permits(req.principal!, ['quality_lead']) && d.status !== 'closed',
        canStart: d.status === 'new',
      });
    }),
    post('/admin/deviations/:id/review', roles('quality_lead'), async (req, res) => {
      const { id } = IdParam.parse(req.params);
      const d = await findDeviation(req.em, id);
      const units = unitsFor(req.principal!, ['quality_lead']);
      if (!d || (units && (!d.careUnitId || !units.includes(d.careUnitId)))) throw notFound('avvikelse');
      const form = Review.safeParse(req.body);
      if (!form.success)
        throw new HttpError(
          400,
          `${form.error.issues[0].path.join('.')}: ${form.error.issues[0].message}`,
          form.error.issues[0].path.join('.'),
          'validation',
        );
      if (d.status === 'closed') throw new HttpError(409, 'Avvikelsen är redan avslutad.', 'toStatus', 'conflict');
      const p = req.principal!;
      await reviewDeviation(
        req.em,
        id,
        { actor: principalId(p), actorName: p.kind === 'staff' ? p.name : '' },
        form.data.toStatus === 'closed'
          ? { toStatus: 'closed', action: form.data.action }
          : { toStatus: 'under_review', note: form.data.note || null },
      );
      await logAccess(req, onRecord('deviation', d, `review:${form.data.toStatus}`));
      res.redirect(303, `/admin/deviations/${id}`);
    }),
  ];
}
