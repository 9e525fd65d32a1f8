/** Login and logout: OpenID Connect for patients (BankID / Freja eID+) and staff (SITHS), sessions in PostgreSQL. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps';
import type { Grantee } from '../http/access';
import { anyone, roles } from '../http/guards';
import { get, post, type RouteDef } from '../http/route';
import { logAccess } from '../http/audit';
import { endSession, saveSession } from '../auth';
import { POST_LOGOUT_PATH } from '../../config';
import { HttpError } from '../http/errors';
import { LoginError, RelyingParty } from './oidc';
import { loginFrom } from './claims';

export type Audience = 'patient' | 'staff';
export type RelyingParties = Partial<Record<Audience, RelyingParty>>;

const AUDIENCES: Audience[] = ['patient', 'staff'];
const HOME: Record<Audience, string> = { patient: '/mina-sidor', staff: '/admin' };
const EVERYONE: Grantee[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin', 'patient'];

/** Only a path on this site: never another origin (`//evil`, `\\evil`, `https:`). */
export function safeReturnTo(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(value) && value.length < 500 ? value : fallback;
}

const audienceOf = (v: string): Audience => {
  if (!(AUDIENCES as string[]).includes(v)) throw new HttpError(404, 'page not found', undefined, 'not-found');
  return v as Audience;
};

export function identityRoutes(deps: AppDeps, parties: RelyingParties): RouteDef[] {
  const { config } = deps;
  const choose = (req: Request, res: Response) => {
    const returnTo = safeReturnTo(req.query.returnTo, '');
    const q = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
    res.render('login/choose', {
      layout: 'meet',
      title: 'Logga in',
      loggedOut: req.query.utloggad !== undefined,
      patientUrl: `/login/patient${q}`,
      staffUrl: `/login/staff${q}`,
    });
  };

  const begin = async (req: Request, res: Response) => {
    const audience = audienceOf(String(req.params.audience));
    const rp = parties[audience];
    if (!rp)
      throw new HttpError(
        503,
        `login for ${audience} is not configured (OIDC_${audience.toUpperCase()}_ISSUER)`,
        undefined,
        'unavailable',
      );
    const { url, pending } = await rp.begin();
    req.session.pending = { audience, ...pending, returnTo: safeReturnTo(req.query.returnTo, HOME[audience]) };
    await saveSession(req);
    res.set('cache-control', 'no-store').redirect(url);
  };

  const callback = async (req: Request, res: Response) => {
    const audience = audienceOf(String(req.params.audience));
    const rp = parties[audience];
    if (!rp) throw new HttpError(503, `login for ${audience} is not configured`, undefined, 'unavailable');
    const pending = req.session.pending;
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    try {
      if (!pending || pending.audience !== audience)
        throw new LoginError('state', 'Inloggningen hörde inte till den här webbläsaren. Försök igen.');
      const { claims, idToken } = await rp.finish(query, pending);
      // The ID token stays in the server-side session (for logout at the provider), never in a cookie.
      const login = { ...(await loginFrom(req, config, audience, claims)), idToken };
      await regenerate(req);
      req.session.login = login;
      await saveSession(req);
      await logAccess(req, { action: 'login', target: `login:${audience}` });
      res.redirect(303, pending.returnTo);
    } catch (err) {
      if (!(err instanceof LoginError)) throw err;
      delete req.session.pending;
      req.log.info({ reason: err.reason, audience }, 'login refused');
      await logAccess(req, {
        action: 'login',
        target: `login:${audience}`,
        outcome: 'refused',
        detail: { reason: err.reason },
      });
      res.status(err.reason === 'unknown-staff' ? 403 : 401).render('login/refused', {
        layout: 'meet',
        title: 'Inloggningen misslyckades',
        message: err.message,
        reason: err.reason,
        retryUrl: `/login/${audience}`,
      });
    }
  };

  const logout = async (req: Request, res: Response) => {
    if (req.principal) await logAccess(req, { action: 'logout', target: 'session' });
    const atProvider = await providerLogoutUrl(req, parties);
    await endSession(req);
    res.clearCookie(config.web.publicUrl.startsWith('https:') ? '__Host-vardmote' : 'vardmote', { path: '/' });
    if (atProvider) loggedOutThenProvider(res, atProvider);
    else res.redirect(303, POST_LOGOUT_PATH);
  };

  /** Who the session is, and the CSRF token a script sends as `x-csrf-token`. */
  const me = (req: Request, res: Response) => {
    const p = req.principal!;
    res.set('cache-control', 'no-store').json({
      kind: p.kind,
      name: p.kind === 'machine' ? p.clientId : p.name,
      ...(p.kind === 'staff' ? { hsaId: p.hsaId, grants: p.grants, clinicianId: p.clinicianId } : {}),
      csrfToken: res.locals.csrfToken ?? null,
    });
  };

  return [
    // The site's root: where each kind of caller starts.
    get('/', anyone, (req, res) =>
      res.redirect(req.principal?.kind === 'person' ? '/mina-sidor' : req.principal ? '/admin' : '/login'),
    ),
    get('/login', anyone, choose),
    get('/login/:audience', anyone, begin),
    get('/auth/callback/:audience', anyone, callback),
    post('/logout', anyone, logout),
    /** Who the session is, and the CSRF token a script sends as `x-csrf-token`. */
    get('/api/me', roles(...EVERYONE), me),
  ];
}

/**
 * Where to end the session at the provider that logged this session in (RP-initiated logout, with
 * `id_token_hint`), or null: no login, no ID token kept, no `end_session_endpoint`, or the provider
 * unreachable (our session still ends; the person lands on our logged-out page).
 */
async function providerLogoutUrl(req: Request, parties: RelyingParties): Promise<string | null> {
  const login = req.session?.login;
  if (!login?.idToken) return null;
  const rp = parties[login.kind === 'person' ? 'patient' : 'staff'];
  if (!rp) return null;
  try {
    return await rp.logoutUrl(login.idToken);
  } catch (err) {
    req.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'logout at the provider skipped');
    return null;
  }
}

/**
 * Our logged-out page, which then sends the browser on to the provider's end-session URL. Not a 303
 * straight there: the logout form's page has CSP `form-action 'self'`, and browsers apply it to the
 * redirects of a form submission too (Chromium blocks it); a Refresh from our own page is a new navigation.
 */
function loggedOutThenProvider(res: Response, url: string): void {
  res.set('cache-control', 'no-store').set('refresh', `0;url=${url}`).render('login/choose', {
    layout: 'meet',
    title: 'Utloggad',
    loggedOut: true,
    patientUrl: '/login/patient',
    staffUrl: '/login/staff',
  });
}

/** A new session id at login (no session fixation), keeping nothing from before. */
function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}
