/** The patient's rating of a closed encounter on Mina sidor (issue 27): the form's fields, the once-only rule, the log row. */
import type { Request } from 'express';
import { z } from 'zod';
import { blank } from '../http/forms';
import { HttpError } from '../http/errors';
import { logAccess, onEncounter } from '../http/audit';
import type { EncounterScope } from '../http/guards';
import { recordRating, scoresOf } from '../../db/ratings';
import { tr } from '../../domain/i18n';

export const COMMENT_MAX = 1000;

const RatingForm = z.object({
  score: z.preprocess(
    blank,
    z.coerce
      .number({ message: 'välj ett betyg från 1 till 5' })
      .int('välj ett betyg från 1 till 5')
      .min(1, 'välj ett betyg från 1 till 5')
      .max(5, 'välj ett betyg från 1 till 5'),
  ),
  comment: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(COMMENT_MAX, `skriv högst ${COMMENT_MAX} tecken`).optional(),
  ),
});

/** The form's fields, or a 400 naming the first wrong one (Swedish, for the error page). */
export function parseRating(body: unknown): { score: number; comment: string | null } {
  const parsed = RatingForm.safeParse(body ?? {});
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const field = i.path.join('.') || 'score';
    throw new HttpError(400, `${field}: ${i.message}`, field, 'validation');
  }
  return { score: parsed.data.score as number, comment: parsed.data.comment ?? null };
}

/**
 * Rates the caller's closed encounter once: 409 before it is closed or when it is already rated.
 * The row and its access-log row commit together; the log never holds the comment.
 */
export async function rateEncounter(req: Request, { row, actor }: EncounterScope, body: unknown): Promise<void> {
  const form = parseRating(body);
  if (row.status !== 'closed')
    throw new HttpError(409, 'Vårdmötet kan betygsättas först när det är avslutat.', undefined, 'WrongStep');
  const ratedAs = actor.role === 'guardian' ? 'guardian' : 'patient';
  await req.em.transactional(async (tx) => {
    if (!(await recordRating(tx, { encounterId: row.id, score: form.score, comment: form.comment, ratedAs })))
      throw new HttpError(409, 'Du har redan betygsatt vårdmötet', undefined, 'already-rated');
    await logAccess(req, onEncounter(row, 'rate'), tx);
  });
}

/** What Mina sidor shows per encounter: the form for a closed one not yet rated, else the thanks with its score. */
export async function ratingViews(req: Request, items: Array<{ id: string; status: string }>) {
  const scores = await scoresOf(
    req.em,
    items.filter((i) => i.status === 'closed').map((i) => i.id),
  );
  const view = (i: { id: string; status: string }) => {
    if (i.status !== 'closed') return null;
    const score = scores.get(i.id);
    return score === undefined
      ? { open: true, question: tr(req.lang, 'rating.question') }
      : { open: false, score, scoreLabel: tr(req.lang, `rating.score.${score}`) };
  };
  return {
    view,
    choices: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: tr(req.lang, `rating.score.${v}`) })),
    commentMax: COMMENT_MAX,
  };
}
