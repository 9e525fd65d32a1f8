/** Patients' ratings of closed encounters (issue 27): written once per encounter, read per encounter and per unit and month. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Rating } from './entities';

/**
 * Stores the rating unless the encounter already has one; true when this call stored it. The unit
 * and month are the encounter's (as Uppföljning counts it), taken in the same statement.
 */
export async function recordRating(
  em: EntityManager,
  r: { encounterId: string; score: number; comment: string | null; ratedAs: 'patient' | 'guardian' },
): Promise<boolean> {
  // One statement: the unique encounter_id decides between two tabs rating at once.
  const rows = await em.execute<Array<{ id: string }>>(
    `insert into rating (id, encounter_id, care_unit_id, month, score, comment, rated_as)
     select ?, e.id, e.care_unit_id, to_char(coalesce(e.scheduled_start, e.created_at) at time zone 'Europe/Stockholm', 'YYYY-MM'), ?, ?, ?
     from encounter e where e.id = ?
     on conflict (encounter_id) do nothing returning id`,
    [randomUUID(), r.score, r.comment, r.ratedAs, r.encounterId],
  );
  return rows.length === 1;
}

/** The scores given to these encounters, by encounter id (comments are not read here). */
export async function scoresOf(em: EntityManager, encounterIds: string[]): Promise<Map<string, number>> {
  if (!encounterIds.length) return new Map();
  const rows = await em.find(Rating, { encounterId: { $in: encounterIds } }, { fields: ['encounterId', 'score'] });
  return new Map(rows.map((r) => [r.encounterId, r.score]));
}

export interface RatingCount {
  month: string;
  careUnitId: string;
  score: number;
  n: number;
}

/** How many ratings of each score per month and unit, within units (null: every unit); index rating_unit_month_idx. */
export async function ratingCounts(
  em: EntityManager,
  f: { fromMonth: string; toMonth: string; careUnitIds: string[] | null },
): Promise<RatingCount[]> {
  const scope = f.careUnitIds ? `and care_unit_id in (${f.careUnitIds.map(() => '?').join(', ') || 'null'})` : '';
  // A report grouped three ways reads clearest as SQL.
  const rows = await em.execute<Array<{ month: string; careUnitId: string; score: number; n: string }>>(
    `select month, care_unit_id as "careUnitId", score, count(*) as n from rating
     where month between ? and ? ${scope} group by 1, 2, 3 order by 1, 2, 3`,
    [f.fromMonth, f.toMonth, ...(f.careUnitIds ?? [])],
  );
  return rows.map((r) => ({ ...r, score: Number(r.score), n: Number(r.n) }));
}
