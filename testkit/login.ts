/**
 * Logging in as a test does it: through the app's /login redirect, the embedded OpenID provider's
 * login page and the app's callback, keeping cookies on both sides. The result is an agent that
 * carries the session cookie and sends the CSRF token on every state-changing request.
 */
import request from 'supertest';
import type { Express } from 'express';

export type Who =
  | {
      personnummer: string;
      name?: string;
      loa?: 'loa2' | 'loa3';
      /** When the provider says the person authenticated: seconds ago, or `none` (no auth_time). */
      authAge?: number | 'none';
    }
  | { hsaId: string; name?: string }
  | { sub: string };

/** A tiny cookie jar for the identity provider's side. */
class Jar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Walks the provider from its authorization URL to the redirect back to us and returns that URL
 * (or the provider's error page, when it refuses).
 */
export async function throughProvider(authorizationUrl: string, who: Who): Promise<URL> {
  const jar = new Jar();
  let url = new URL(authorizationUrl);
  let form: Record<string, string> | null = null;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    jar.take(res);
    form = null;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.origin !== url.origin) return next;
      url = next;
      continue;
    }
    if (res.status !== 200) throw new Error(`provider answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const html = await res.text();
    const uid = /\/interaction\/([^/]+)\/login/.exec(html)?.[1];
    if (!uid) throw new Error(`no login form at ${url.href}`);
    url = new URL(`/interaction/${uid}/login`, url);
    form =
      'sub' in who
        ? { sub: who.sub }
        : 'hsaId' in who
          ? { sub: 'custom', hsaId: who.hsaId, name: who.name ?? 'Test Personal' }
          : {
              sub: 'custom',
              personnummer: who.personnummer.replace('-', ''),
              name: who.name ?? 'Test Person',
              acr: who.loa ?? 'loa3',
              ...(who.authAge !== undefined ? { authAge: String(who.authAge) } : {}),
            };
  }
  throw new Error('too many redirects at the provider');
}

export interface LoggedIn {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  /** A request with the session and, for changes, the CSRF token. */
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  del(path: string): request.Test;
}

/** Logs in through the provider; throws with the app's answer if the login is refused. */
export async function login(app: Express, who: Who): Promise<LoggedIn> {
  const agent = request.agent(app);
  const audience = 'hsaId' in who || ('sub' in who && who.sub.startsWith('staff-')) ? 'staff' : 'patient';
  const start = await agent.get(`/login/${audience}`).expect(302);
  const back = await throughProvider(start.headers.location, who);
  const done = await agent.get(back.pathname + back.search);
  if (done.status !== 303) throw new Error(`login refused (${done.status}): ${done.text.slice(0, 400)}`);
  const me = await agent.get('/api/me').expect(200);
  const csrf = me.body.csrfToken as string;
  return {
    agent,
    csrf,
    get: (path) => agent.get(path),
    post: (path, body) => {
      const t = agent.post(path).set('x-csrf-token', csrf);
      return body === undefined ? t : t.send(body);
    },
    del: (path) => agent.delete(path).set('x-csrf-token', csrf),
  };
}

/** A machine client's bearer token (client credentials at the test provider). */
export async function machineToken(scope = 'encounters:read encounters:write'): Promise<string> {
  const issuer = process.env.OIDC_STAFF_ISSUER!;
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${process.env.API_CLIENT_ID}:${process.env.API_CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: 'urn:vardmote:api' }).toString(),
  });
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
