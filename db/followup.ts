/**
 * Uppföljning: monthly figures per care unit for quality leads and care administrators. Aggregates
 * over several tables read clearest as SQL; months are Stockholm calendar months of the meeting time
 * (or of the request, for encounters never booked).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { deadlineOf } from '../domain/messages';
import type { RatingCount } from './ratings';

export interface MonthUnitFigures {
  month: string;
  careUnitId: string;
  careUnitName: string;
  closed: number;
  referred: number;
  identityFailed: number;
  cancelled: number;
  noShow: number;
  /** Of the encounters that were to take place (closed + no-show). */
  noShowRate: number | null;
  /** Closed encounters without a missing-documentation deviation, of all closed. */
  documentedInTimeShare: number | null;
  /** Hours from the meeting's start to the signed note, median. */
  medianHoursToNote: number | null;
  /** Patients' ratings (1–5) of the month's encounters, and their mean. */
  ratings: number;
  ratingMean: number | null;
}

const MONTH = `to_char(coalesce(e.scheduled_start, e.created_at) at time zone 'Europe/Stockholm', 'YYYY-MM')`;

export async function monthlyFigures(
  em: EntityManager,
  f: { fromMonth: string; toMonth: string; careUnitIds: string[] | null },
  /** The same period's ratings (`ratingCounts`), read once by the page for its chart too. */
  scores: RatingCount[],
): Promise<MonthUnitFigures[]> {
  const scope = f.careUnitIds ? `and e.care_unit_id in (${f.careUnitIds.map(() => '?').join(', ') || 'null'})` : '';
  const rows = await em.execute<Array<Record<string, string | null>>>(
    `select ${MONTH} as month, e.care_unit_id as "careUnitId", u.name as "careUnitName",
       count(*) filter (where e.status = 'closed') as closed,
       count(*) filter (where e.status = 'referred-to-physical') as referred,
       count(*) filter (where e.status = 'identity-failed') as "identityFailed",
       count(*) filter (where e.status = 'cancelled') as cancelled,
       count(*) filter (where e.status = 'no-show') as "noShow",
       count(*) filter (where e.status = 'closed' and not exists (
         select 1 from deviation d where d.encounter_id = e.id and d.category = 'missing-documentation')) as "documentedInTime",
       percentile_cont(0.5) within group (order by extract(epoch from (n.signed_at - e.scheduled_start)) / 3600)
         filter (where n.id is not null and e.scheduled_start is not null) as "medianHoursToNote"
     from encounter e join care_unit u on u.id = e.care_unit_id left join journal_note n on n.encounter_id = e.id
     where ${MONTH} between ? and ? ${scope}
     group by 1, 2, 3 order by 1, 3`,
    [f.fromMonth, f.toMonth, ...(f.careUnitIds ?? [])],
  );
  return rows.map((r) => {
    const n = (k: string) => Number(r[k] ?? 0);
    const rated = scores.filter((x) => x.month === r.month && x.careUnitId === r.careUnitId);
    const ratings = rated.reduce((a, x) => a + x.n, 0);
    const happened = n('closed') + n('noShow');
    return {
      month: r.month!,
      careUnitId: r.careUnitId!,
      careUnitName: r.careUnitName!,
      closed: n('closed'),
      referred: n('referred'),
      identityFailed: n('identityFailed'),
      cancelled: n('cancelled'),
      noShow: n('noShow'),
      noShowRate: happened ? n('noShow') / happened : null,
      documentedInTimeShare: n('closed') ? n('documentedInTime') / n('closed') : null,
      medianHoursToNote: r.medianHoursToNote === null ? null : Number(r.medianHoursToNote),
      ratings,
      ratingMean: ratings ? rated.reduce((a, x) => a + x.score * x.n, 0) / ratings : null,
    };
  });
}

/** Deviations per month and category (of the deviation's creation), within units. */
export async function monthlyDeviations(
  em: EntityManager,
  f: { fromMonth: string; toMonth: string; careUnitIds: string[] | null },
): Promise<Array<{ month: string; category: string; n: number }>> {
  const month = `to_char(d.created_at at time zone 'Europe/Stockholm', 'YYYY-MM')`;
  const scope = f.careUnitIds ? `and e.care_unit_id in (${f.careUnitIds.map(() => '?').join(', ') || 'null'})` : '';
  const rows = await em.execute<Array<{ month: string; category: string; n: string }>>(
    `select ${month} as month, d.category, count(*) as n from deviation d left join encounter e on e.id = d.encounter_id
     where ${month} between ? and ? ${scope} group by 1, 2 order by 1, 2`,
    [f.fromMonth, f.toMonth, ...(f.careUnitIds ?? [])],
  );
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}

export interface MonthUnitAnswers {
  month: string;
  careUnitName: string;
  messages: number;
  /** Answered by the end of the second working day (RULES.md §3), of all patient messages. */
  inTimeShare: number | null;
  medianHoursToAnswer: number | null;
}

/**
 * Answer times of patients' messages per month (of arrival, Stockholm) and unit. The working-day
 * rule lives in domain/messages.ts, so rows are read here and the deadline computed in code.
 */
export async function monthlyAnswerTimes(
  em: EntityManager,
  f: { fromMonth: string; toMonth: string; careUnitIds: string[] | null },
): Promise<MonthUnitAnswers[]> {
  const scope = f.careUnitIds ? `and t.care_unit_id in (${f.careUnitIds.map(() => '?').join(', ') || 'null'})` : '';
  const month = `to_char(m.created_at at time zone 'Europe/Stockholm', 'YYYY-MM')`;
  const rows = await em.execute<Array<{ month: string; unit: string; created_at: Date; answered_at: Date | null }>>(
    `select ${month} as month, u.name as unit, m.created_at, m.answered_at
     from message m join message_thread t on t.id = m.thread_id join care_unit u on u.id = t.care_unit_id
     where m.author_kind = 'patient' and ${month} between ? and ? ${scope}`,
    [f.fromMonth, f.toMonth, ...(f.careUnitIds ?? [])],
  );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.month}\u0000${r.unit}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups]
    .map(([k, g]) => {
      const [m, unit] = k.split('\u0000');
      const hours = g
        .filter((r) => r.answered_at)
        .map((r) => (new Date(r.answered_at!).getTime() - new Date(r.created_at).getTime()) / 3600_000)
        .sort((a, b) => a - b);
      const inTime = g.filter(
        (r) => r.answered_at && new Date(r.answered_at) <= deadlineOf(new Date(r.created_at).toISOString()).deadlineAt,
      ).length;
      const mid = hours.length ? (hours[(hours.length - 1) >> 1] + hours[hours.length >> 1]) / 2 : null;
      return {
        month: m,
        careUnitName: unit,
        messages: g.length,
        inTimeShare: inTime / g.length,
        medianHoursToAnswer: mid,
      };
    })
    .sort((a, b) => a.month.localeCompare(b.month) || a.careUnitName.localeCompare(b.careUnitName));
}
