/**
 * The language switch of the patient's pages (issue 28): the choice is kept on the logged-in person's
 * own patient record (mails and invoices follow it too), access-logged with the change.
 */
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { logAccess } from '../http/audit';
import { roles } from '../http/guards';
import { HttpError } from '../http/errors';
import { SAFE_RETURN } from '../http/language';
import { post, type RouteDef } from '../http/route';
import { saveSession } from '../auth';
import { findPatientIdByPersonnummer, setLanguage } from '../../db/people';
import { LANGUAGES } from '../../domain/i18n';

const LanguageForm = z
  .object({
    language: z.enum(LANGUAGES),
    // Anywhere else (or nothing) goes back to the list: the switch never redirects off the patient's side.
    returnTo: z.string().regex(SAFE_RETURN).optional().catch(undefined),
  })
  .passthrough();

export function languageRoutes(_deps: AppDeps): RouteDef[] {
  return [
    post('/mina-sidor/sprak', roles('patient'), async (req, res) => {
      const parsed = LanguageForm.safeParse(req.body ?? {});
      if (!parsed.success) throw new HttpError(400, 'language: välj sv eller en', 'language', 'validation');
      const { language, returnTo } = parsed.data;
      const p = req.principal!;
      const own = p.kind === 'person' ? await findPatientIdByPersonnummer(req.em, p.personnummer) : null;
      if (own) {
        // The change and its access-log row commit together.
        await req.em.transactional(async (tx) => {
          await setLanguage(tx, own, language);
          const entry = { action: 'update', target: 'mina-sidor:sprak', patientIds: [own], detail: { language } };
          await logAccess(req, entry, tx);
        });
      } else {
        req.session.lang = language;
        await saveSession(req);
      }
      res.redirect(303, returnTo ?? '/mina-sidor');
    }),
  ];
}
