/**
 * The language of the patient's pages (issue 28): Mina sidor and the meeting's pages follow the
 * logged-in person's choice (kept on their patient record), else the browser's Accept-Language.
 * Every other page, and anyone from staff, reads Swedish.
 */
import type { Request, RequestHandler } from 'express';
import { chosenLanguage } from '../../db/people';
import { DEFAULT_LANG, fromAcceptLanguage, tr, type Lang } from '../../domain/i18n';

declare module 'express-session' {
  interface SessionData {
    /** The switch's choice of a person without a patient record of their own (nowhere else to keep it). */
    lang?: Lang;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The language this request's pages and messages are in (Swedish but on the patient's pages). */
    lang: Lang;
  }
}

/** The patient's side: where the language may be other than Swedish. */
const PATIENT_SIDE = /^\/(mina-sidor|meet)(\/|$)/;

/** Where the switch may send the browser back to: a page of the patient's side, nothing else. */
export const SAFE_RETURN = /^\/(mina-sidor|meet)(\/[\w\-./]*)?(\?[\w\-=&%.]*)?$/;

/** Sets `req.lang`, the pages' `lang` and, for a logged-in person, the language switch. */
export function patientLanguage(): RequestHandler {
  return async (req, res, next) => {
    req.lang = DEFAULT_LANG;
    const p = req.principal;
    if (PATIENT_SIDE.test(req.path) && p?.kind !== 'staff' && p?.kind !== 'machine') {
      const chosen = p?.kind === 'person' ? await chosenLanguage(req.em, p.personnummer) : null;
      req.lang = chosen ?? req.session?.lang ?? fromAcceptLanguage(req.headers['accept-language']);
      if (p?.kind === 'person') res.locals.langSwitch = switchFor(req);
    }
    res.locals.lang = req.lang;
    next();
  };
}

/** The switch to the other language: its label in that language, and the page to come back to. */
function switchFor(req: Request) {
  const to: Lang = req.lang === 'sv' ? 'en' : 'sv';
  // A page shown after a refused form post has no page of its own at that address: back to the list then.
  const back = req.method === 'GET' && SAFE_RETURN.test(req.originalUrl) ? req.originalUrl : '/mina-sidor';
  return { to, label: tr(req.lang, 'language.switchTo'), returnTo: back };
}
