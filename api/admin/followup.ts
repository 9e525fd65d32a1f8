/** Uppföljning: per month and care unit, outcomes, no-show rate, patients' ratings, documentation in time, time to note, deviations; charts, tables and CSV. */
import type { Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { escapeCsvRow } from '../../domain/csv';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { unitsFor } from '../http/access';
import { logAccess } from '../http/audit';
import type { StaffRoleName } from '../../db/entities';
import { monthlyAnswerTimes, monthlyDeviations, monthlyFigures } from '../../db/followup';
import { ratingCounts } from '../../db/ratings';
import { stackedBars } from '../../admin-ui/charts';
import { DEVIATION_CATEGORY_LABELS, RATING_LABELS, sv } from '../../domain/labels';
import { stockholmDateOf } from '../../domain/dates';
import { optionalMonth } from '../http/forms';
import { roles } from '../http/guards';
import { get, type RouteDef } from '../http/route';

const READERS: StaffRoleName[] = ['quality_lead', 'care_admin'];
const Query = z.object({ from: optionalMonth, to: optionalMonth });

const OUTCOMES = [
  { key: 'closed', label: 'Genomförda', cls: 's-closed' },
  { key: 'referred', label: 'Hänvisade till fysiskt besök', cls: 's-referred' },
  { key: 'identityFailed', label: 'Identifiering misslyckades', cls: 's-identity' },
  { key: 'cancelled', label: 'Avbokade', cls: 's-cancelled' },
  { key: 'noShow', label: 'Uteblivna', cls: 's-noshow' },
];
const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)} %`);
const hours = (v: number | null) => (v === null ? '–' : `${v.toFixed(1).replace('.', ',')} h`);
const mean = (v: number | null) => (v === null ? '–' : v.toFixed(1).replace('.', ','));
/** One part per score of the ratings chart, 1 (Mycket missnöjd) to 5 (Mycket nöjd). */
const SCORES = [1, 2, 3, 4, 5].map((v) => ({
  key: String(v),
  label: `${v} – ${RATING_LABELS[v]}`,
  cls: `s-cat${v - 1}`,
}));

/** The months asked for, default the last six up to this one (Stockholm). */
function period(req: Request) {
  const q = Query.parse(req.query);
  const now = stockholmDateOf(new Date()).slice(0, 7);
  const [y, m] = now.split('-').map(Number);
  const sixAgo = new Date(Date.UTC(y, m - 6, 1)).toISOString().slice(0, 7);
  return { from: q.from ?? sixAgo, to: q.to ?? now };
}

export function followupRoutes(_deps: AppDeps): RouteDef[] {
  const load = async (req: Request) => {
    const { from, to } = period(req);
    const scope = { fromMonth: from, toMonth: to, careUnitIds: unitsFor(req.principal!, READERS) };
    const scores = await ratingCounts(req.em, scope);
    const [figures, deviations, answers] = [
      await monthlyFigures(req.em, scope, scores),
      await monthlyDeviations(req.em, scope),
      await monthlyAnswerTimes(req.em, scope),
    ];
    // Aggregates only (no patient is named), still an access to patient data in bulk: logged.
    await logAccess(req, { action: 'read', target: 'admin:followup', detail: { from, to } });
    return { from, to, figures, deviations, answers, scores };
  };

  return [
    get('/admin/followup', roles(...READERS), async (req, res) => {
      const { from, to, figures, deviations, answers, scores } = await load(req);
      const months = [...new Set(figures.map((f) => f.month))];
      const byMonth = months.map((mo) => {
        const rows = figures.filter((f) => f.month === mo);
        const values: Record<string, number> = {};
        for (const o of OUTCOMES) values[o.key] = rows.reduce((a, r) => a + (r[o.key as keyof typeof r] as number), 0);
        return { label: mo, values };
      });
      // Ratings per month by score (comments are patients' own words and are never shown here).
      const ratingMonths = [...new Set(scores.map((r) => r.month))];
      const categories = [...new Set(deviations.map((d) => d.category))];
      const devMonths = [...new Set(deviations.map((d) => d.month))];
      res.render('followup/show', {
        title: 'Uppföljning',
        from,
        to,
        outcomes: stackedBars(byMonth, OUTCOMES),
        ratingChart: stackedBars(
          ratingMonths.map((mo) => ({
            label: mo,
            values: Object.fromEntries(
              SCORES.map((sc) => [
                sc.key,
                scores.filter((r) => r.month === mo && String(r.score) === sc.key).reduce((a, r) => a + r.n, 0),
              ]),
            ),
          })),
          SCORES,
        ),
        deviationChart: stackedBars(
          devMonths.map((mo) => ({
            label: mo,
            values: Object.fromEntries(deviations.filter((d) => d.month === mo).map((d) => [d.category, d.n])),
          })),
          categories.map((c, i) => ({ key: c, label: sv(DEVIATION_CATEGORY_LABELS, c), cls: `s-cat${i % 6}` })),
        ),
        rows: figures.map((f) => ({
          ...f,
          noShowRate: percent(f.noShowRate),
          documentedInTimeShare: percent(f.documentedInTimeShare),
          medianHoursToNote: hours(f.medianHoursToNote),
          ratingMean: mean(f.ratingMean),
        })),
        deviations: deviations.map((d) => ({ ...d, category: sv(DEVIATION_CATEGORY_LABELS, d.category) })),
        answers: answers.map((a) => ({
          ...a,
          inTimeShare: percent(a.inTimeShare),
          medianHoursToAnswer: hours(a.medianHoursToAnswer),
        })),
        csvUrl: `/admin/followup.csv?from=${from}&to=${to}`,
      });
    }),
    get('/admin/followup.csv', roles(...READERS), async (req, res) => {
      const { from, to, figures } = await load(req);
      // Cells that start like a formula are escaped (OWASP CSV injection): a description may start with '='.
      const csv = stringify(
        figures.map((f) =>
          escapeCsvRow([
            f.month,
            f.careUnitName,
            f.closed,
            f.referred,
            f.identityFailed,
            f.cancelled,
            f.noShow,
            f.noShowRate === null ? '' : f.noShowRate.toFixed(3),
            f.documentedInTimeShare === null ? '' : f.documentedInTimeShare.toFixed(3),
            f.medianHoursToNote === null ? '' : f.medianHoursToNote.toFixed(2),
            f.ratings,
            f.ratingMean === null ? '' : f.ratingMean.toFixed(1),
          ]),
        ),
        {
          header: true,
          delimiter: ';',
          columns: [
            'manad',
            'enhet',
            'genomforda',
            'hanvisade',
            'identifiering_misslyckad',
            'avbokade',
            'uteblivna',
            'andel_uteblivna',
            'andel_dokumenterade_i_tid',
            'median_timmar_till_anteckning',
            'antal_betyg',
            'medelbetyg',
          ],
        },
      );
      res
        .set('content-type', 'text/csv; charset=utf-8')
        .set('content-disposition', `attachment; filename="uppfoljning_${from}_${to}.csv"`)
        .send(`\uFEFF${csv}`);
    }),
  ];
}
