/**
 * Who is calling. Browsers carry a server-side session (PostgreSQL) started by an e-ID or SITHS login;
 * machine clients carry an OAuth bearer token (a JWT from the configured issuer, checked against its
 * JWKS). Nothing a caller merely claims is trusted: staff roles are read from our `staff` table on
 * every request, so a removed role or a deactivated member of staff stops at once.
 */
import type { RequestHandler } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import { Pool } from 'pg';
import type { Config } from '../config';
import { findStaffByHsaId, StaffMember } from '../db/staff';
import { bearerVerifier } from './tokens';

/** A person verified with e-ID (BankID / Freja eID+), acting for themself or for a child. */
export interface PersonPrincipal {
  kind: 'person';
  personnummer: string;
  name: string;
  loa: 'loa3' | 'loa4';
  method: 'bankid' | 'freja';
}
/** A member of staff verified with SITHS, with the grants our database gives them. */
export interface StaffPrincipal extends StaffMember {
  kind: 'staff';
}
/** A system calling with a client-credentials token. */
export interface MachinePrincipal {
  kind: 'machine';
  clientId: string;
  scopes: string[];
}
export type Principal = PersonPrincipal | StaffPrincipal | MachinePrincipal;

/** When the login happened, when its person last did something, and the ID token for logout at the IdP. */
interface SessionTimes {
  /** Login time (ms): the absolute limit counts from here. */
  at: number;
  /** Last request that was not a poll (ms): the idle limit counts from here (`at` when absent). */
  seen?: number;
  /** The provider's ID token, sent back as `id_token_hint` at logout; kept server-side only. */
  idToken?: string;
}

/** What the session keeps (never the roles: those are looked up per request). */
export type SessionLogin =
  | ({
      kind: 'person';
      personnummer: string;
      name: string;
      loa: 'loa3' | 'loa4';
      method: PersonPrincipal['method'];
    } & SessionTimes)
  | ({ kind: 'staff'; hsaId: string } & SessionTimes);

/**
 * The header a page's own background poll sends (`x-vardmote-poll: 1`): such a request is answered,
 * but it is no activity, so an abandoned tab that keeps polling still reaches the idle limit.
 */
export const POLL_HEADER = 'x-vardmote-poll';

/** Is this request a page's background poll rather than something the person did? */
export const isPoll = (req: Parameters<RequestHandler>[0]): boolean =>
  (req.method === 'GET' || req.method === 'HEAD') &&
  // A page's event stream (EventSource sends no headers of ours) is a poll too.
  (req.get(POLL_HEADER) === '1' || req.get('accept') === 'text/event-stream');

declare module 'express-session' {
  interface SessionData {
    login?: SessionLogin;
    /** Between the redirect to the IdP and its callback. */
    pending?: { audience: 'patient' | 'staff'; state: string; nonce: string; verifier: string; returnTo: string };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate`; absent for an anonymous caller. */
    principal?: Principal;
    /** True when the principal came from a bearer token (no cookie, no CSRF). */
    viaToken?: boolean;
  }
}

/** The HSA-id, personnummer or client id: who the access log names. */
export const principalId = (p: Principal): string =>
  p.kind === 'staff' ? p.hsaId : p.kind === 'person' ? p.personnummer : `client:${p.clientId}`;

export interface SessionParts {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/**
 * Server-side sessions in PostgreSQL (connect-pg-simple, table `http_session`). The cookie holds
 * only the signed session id: HttpOnly, SameSite=Lax, Secure when the public address is https.
 */
export function createSessions(config: Config): SessionParts {
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 4,
    idleTimeoutMillis: 5000,
    allowExitOnIdle: true,
  });
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool,
    tableName: 'http_session',
    createTableIfMissing: false,
    pruneSessionInterval: 900,
  });
  const secure = config.web.publicUrl.startsWith('https:');
  const browserSession = session({
    name: secure ? '__Host-vardmote' : 'vardmote',
    secret: config.session.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: secure,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: config.session.staff.idleMinutes * 60_000,
    },
  });
  return {
    // A client of the JSON API with its bearer token and no cookie has no session to load (bench:api):
    // express-session would still make, sign and hook one per request only to throw it away.
    middleware: (req, res, next) =>
      req.headers.authorization !== undefined && req.headers.cookie === undefined && req.path.startsWith('/api/')
        ? next()
        : browserSession(req, res, next),
    close: async () => {
      store.close();
      await pool.end();
    },
  };
}

/**
 * Resolves `req.principal` from a bearer token or the session. A bad token is a 401 (so is one without
 * `exp`, or from a client not in `API_TOKEN_CLIENT_IDS`); an expired session (idle or absolute) is
 * ended and the caller is anonymous.
 */
export function authenticate(config: Config): RequestHandler {
  const verify = bearerVerifier(config.apiTokens);
  return async (req, _res, next) => {
    if (req.headers.authorization !== undefined) {
      req.principal = await verify(req, req.headers.authorization);
      req.viaToken = true;
      return next();
    }
    const login = req.session?.login;
    if (!login) return next();
    if (!withinLimits(req, login, config)) {
      await endSession(req);
      return next();
    }
    if (login.kind === 'person') {
      const { at: _at, seen: _seen, idToken: _idToken, ...person } = login;
      req.principal = person;
      return next();
    }
    const staff = await findStaffByHsaId(req.em, login.hsaId);
    if (!staff) {
      await endSession(req);
      return next();
    }
    req.principal = { kind: 'staff', ...staff };
    next();
  };
}

/**
 * Checks the absolute and idle limits and, unless the request is a poll, counts it as activity. The
 * idle limit is decided here from `seen`, not by the cookie's or the row's expiry alone: those are
 * renewed by every answered request, polls included (express-session's rolling touch).
 */
function withinLimits(req: Parameters<RequestHandler>[0], login: SessionLogin, config: Config): boolean {
  const limits = login.kind === 'person' ? config.session.patient : config.session.staff;
  const now = Date.now();
  if (now - login.at > limits.maxMinutes * 60_000) return false;
  if (now - (login.seen ?? login.at) > limits.idleMinutes * 60_000) return false;
  if (!isPoll(req)) login.seen = now;
  // The cookie lives as long as the idle limit (patient sessions are shorter than staff ones).
  req.session.cookie.maxAge = limits.idleMinutes * 60_000;
  return true;
}

/** When the session's login ends by its idle or absolute limit, if nothing renews it (ms; null: no login). */
export function sessionEndsAt(req: Parameters<RequestHandler>[0], config: Config): number | null {
  const login = req.session?.login;
  if (!login) return null;
  const limits = login.kind === 'person' ? config.session.patient : config.session.staff;
  return Math.min(login.at + limits.maxMinutes * 60_000, (login.seen ?? login.at) + limits.idleMinutes * 60_000);
}

/**
 * Stores the session now. Call it before redirecting: express-session otherwise saves while the
 * redirect's headers are already on their way, and the browser's next request can arrive first.
 */
export function saveSession(req: Parameters<RequestHandler>[0]): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
}

/** Keeps a meeting page's key in the browser's session (its pages show it, nobody else's), stored now. */
export async function keepMeetingKey(
  req: Parameters<RequestHandler>[0],
  entered: { encounterId: string; key: string },
): Promise<void> {
  req.session.meetings = { ...req.session.meetings, [entered.encounterId]: entered.key };
  await saveSession(req);
}

/** Ends the session at our side (the row is deleted; the cookie no longer names anything). */
export function endSession(req: Parameters<RequestHandler>[0]): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session ? req.session.destroy((e) => (e ? reject(e) : resolve())) : resolve(),
  );
}
