/**
 * The relying party against the real embedded provider: a good login passes; a wrong signature, a
 * wrong nonce, a wrong state, an expired token, an `acr` below LoA3 and a missing or too old
 * `auth_time` are each refused. Then the app around it: refused logins, logout (ours and the
 * provider's) and session timeouts, production guards, login rate limits.
 */
import request from 'supertest';
import { createRelyingParty, LoginError, RelyingPartyOptions } from '../../api/identity/oidc';
import { loadConfig, LOA3 } from '../../config';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { testApp } from '../../testkit/app';
import { useApiStack } from '../support/app';
import { connect } from '../../testkit/env';
import { makeFixture } from '../../testkit/fixtures';
import { login, throughProvider } from '../../testkit/login';

const stack = useApiStack();
let pnr: string;
beforeAll(async () => {
  pnr = (await makeFixture(stack.ctx.orm)).adultPnr;
});

const rp = (opts: RelyingPartyOptions = {}) => createRelyingParty(stack.ctx.config.oidc.patient!, opts);

/** Runs a login to the callback and hands its query string and the pending checks to `finish`. */
async function attempt(
  party: ReturnType<typeof rp>,
  who: { personnummer: string; loa?: 'loa2' | 'loa3'; authAge?: number | 'none' },
  tamper: (p: { state: string; nonce: string; verifier: string }) => typeof p = (p) => p,
) {
  const { url, pending } = await party.begin();
  const back = await throughProvider(url, who);
  return (await party.finish(back.search, tamper(pending))).claims;
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoginError);
  return (err as LoginError).reason;
};

it('a good login yields the personnummer at LoA3, with PKCE, state and nonce checked', async () => {
  const claims = await attempt(rp(), { personnummer: pnr });
  expect(claims['https://id.oidc.se/claim/personalIdentityNumber']).toBe(pnr.replace('-', ''));
  expect(claims.acr).toBe(LOA3);
});

it('a wrong state is refused', async () => {
  expect(await refusal(attempt(rp(), { personnummer: pnr }, (p) => ({ ...p, state: 'another-state' })))).toBe('state');
});

it('a wrong nonce is refused', async () => {
  expect(await refusal(attempt(rp(), { personnummer: pnr }, (p) => ({ ...p, nonce: 'another-nonce' })))).toBe('nonce');
});

it('an ID token with a wrong signature is refused (checked against the JWKS)', async () => {
  const tampering: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input).endsWith('/token')) return res;
    const body = (await res.json()) as { id_token: string };
    const [h, p, sig] = body.id_token.split('.');
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    return new Response(JSON.stringify({ ...body, id_token: `${h}.${p}.${flipped}` }), {
      status: res.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  expect(await refusal(attempt(rp({ fetch: tampering as never }), { personnummer: pnr }))).toBe('token');
});

it('an expired ID token is refused', async () => {
  // Our clock an hour ahead: the provider's ten-minute ID token has expired by then.
  expect(await refusal(attempt(rp({ clockSkewSeconds: 3600 }), { personnummer: pnr }))).toBe('token');
});

it('the login asks for max_age, and the ID token says when the person authenticated (auth_time)', async () => {
  const { url } = await rp().begin();
  expect(new URL(url).searchParams.get('max_age')).toBe('300');
  const claims = await attempt(rp(), { personnummer: pnr });
  expect(Math.abs(Date.now() / 1000 - Number(claims.auth_time))).toBeLessThan(60);
});

it('an ID token without auth_time is refused', async () => {
  let claims: Record<string, unknown> = {};
  const watching: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (String(input).endsWith('/token')) {
      const body = (await res.clone().json()) as { id_token: string };
      claims = JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url').toString());
    }
    return res;
  };
  expect(await refusal(attempt(rp({ fetch: watching as never }), { personnummer: pnr, authAge: 'none' }))).toBe(
    'auth-time',
  );
  // The token was otherwise a good one: signed, for us, at LoA3; only auth_time is missing.
  expect(claims).toMatchObject({ aud: 'vardmote-patient', acr: LOA3 });
  expect(claims).not.toHaveProperty('auth_time');
});

it('an authentication older than max_age is refused (a provider that reused an old sign-on)', async () => {
  expect(await refusal(attempt(rp(), { personnummer: pnr, authAge: 600 }))).toBe('auth-time');
});

it('an authentication older than max_age by our clock is refused, while the ID token itself is still valid', async () => {
  // Our clock 400 s ahead: auth_time is past max_age (300 s, plus 30 s tolerance); the 600 s token is not expired.
  expect(await refusal(attempt(rp({ clockSkewSeconds: 400 }), { personnummer: pnr }))).toBe('auth-time');
});

it('an e-ID below LoA3 is refused (RULES.md §5: LoA3 for patients)', async () => {
  expect(await refusal(attempt(rp(), { personnummer: pnr, loa: 'loa2' }))).toBe('acr');
});

describe('the app around it', () => {
  it('refuses a login at LoA2 with a Swedish page, logs the refusal, and starts no session', async () => {
    const agent = request.agent(stack.app);
    const start = await agent.get('/login/patient').expect(302);
    const back = await throughProvider(start.headers.location, { personnummer: pnr, loa: 'loa2' });
    const res = await agent.get(back.pathname + back.search).expect(401);
    expect(res.text).toContain('för låg tillitsnivå');
    await agent.get('/api/me').expect(401);
    const [row] = await stack.ctx.orm.em
      .fork()
      .execute<Array<{ outcome: string; detail: { reason: string } }>>(
        "select outcome, detail from audit_log where action = 'login' and outcome = 'refused' order by id desc limit 1",
      );
    expect(row).toMatchObject({ outcome: 'refused', detail: { reason: 'acr' } });
  });

  it('refuses a login whose ID token has no auth_time with a Swedish page, and starts no session', async () => {
    const agent = request.agent(stack.app);
    const start = await agent.get('/login/patient').expect(302);
    const back = await throughProvider(start.headers.location, { personnummer: pnr, authAge: 'none' });
    const res = await agent.get(back.pathname + back.search).expect(401);
    expect(res.text).toContain('Inloggningen måste vara nygjord');
    expect(res.text).toContain('mer än 5 minuter sedan');
    await agent.get('/api/me').expect(401);
  });

  it('a callback without the login started in this browser (a forged state) is refused', async () => {
    const other = request.agent(stack.app);
    const start = await other.get('/login/patient').expect(302);
    const back = await throughProvider(start.headers.location, { personnummer: pnr });
    // Replayed in a browser that never started a login.
    const res = await request
      .agent(stack.app)
      .get(back.pathname + back.search)
      .expect(401);
    expect(res.text).toContain('hörde inte till den här webbläsaren');
  });

  it('staff unknown to our staff table are refused (roles never come from the token)', async () => {
    const agent = request.agent(stack.app);
    const start = await agent.get('/login/staff').expect(302);
    const back = await throughProvider(start.headers.location, { hsaId: 'SE0000000000-NOBODY' });
    const res = await agent.get(back.pathname + back.search).expect(403);
    expect(res.text).toContain('inte upplagd som användare');
  });

  it('logout ends the session at our side; an expired session is anonymous', async () => {
    const patient = await login(stack.app, { personnummer: pnr });
    const cookie = patient.agent.jar.getCookie('vardmote', {
      domain: '127.0.0.1',
      path: '/',
      secure: false,
      script: false,
    });
    await patient.post('/logout').expect(200);
    await patient.get('/api/me').expect(401);
    // The old cookie names no session any more.
    await request(stack.app).get('/api/me').set('cookie', `vardmote=${cookie?.value}`).expect(401);

    const again = await login(stack.app, { personnummer: pnr });
    // An hour and a half ago: past the patient session's absolute limit (60 minutes).
    await stack.ctx.orm.em
      .fork()
      .execute(
        `update http_session set sess = jsonb_set(sess, '{login,at}', to_jsonb((extract(epoch from now()) * 1000 - 5400000)::bigint)) where sess->'login'->>'personnummer' = ?`,
        [pnr],
      );
    await again.get('/api/me').expect(401);
  });

  it('logout also ends the session at the provider (id_token_hint, registered post-logout URI); the ID token never goes into a cookie', async () => {
    const agent = request.agent(stack.app);
    const start = await agent.get('/login/patient').expect(302);
    const back = await throughProvider(start.headers.location, { personnummer: pnr });
    const done = await agent.get(back.pathname + back.search).expect(303);
    const cookies = ([] as string[]).concat(done.headers['set-cookie'] ?? []);
    expect(cookies.join(';')).not.toMatch(/eyJ/);
    expect(cookies.join(';').length).toBeLessThan(300);
    const csrf = (await agent.get('/api/me').expect(200)).body.csrfToken as string;

    // Our logged-out page, which moves on to the provider (a 303 there would break CSP form-action 'self').
    const out = await agent.post('/logout').set('x-csrf-token', csrf).expect(200);
    expect(out.text).toContain('Du är utloggad');
    const refresh = /^0;url=(.+)$/.exec(String(out.headers.refresh));
    expect(refresh).not.toBeNull();
    await agent.get('/api/me').expect(401);
    const issuer = stack.ctx.config.oidc.patient!.issuer;
    const meta = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
      end_session_endpoint: string;
    };
    const end = new URL(refresh![1]);
    expect(`${end.origin}${end.pathname}`).toBe(meta.end_session_endpoint);
    const postLogout = `${stack.ctx.config.web.publicUrl}/login?utloggad=1`;
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(postLogout);
    expect(end.searchParams.get('client_id')).toBe('vardmote-patient');
    const hint = JSON.parse(Buffer.from(end.searchParams.get('id_token_hint')!.split('.')[1], 'base64url').toString());
    expect(hint).toMatchObject({ iss: issuer, aud: 'vardmote-patient' });

    // The provider accepts the hint and the redirect URI, asks to confirm, and sends the browser back to us.
    const jar: string[] = [];
    const ask = await fetch(end, { redirect: 'manual' });
    expect(ask.status).toBe(200);
    jar.push(...ask.headers.getSetCookie().map((c) => c.split(';')[0]));
    const html = await ask.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1];
    const confirm = await fetch(new URL(action, end), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    expect([302, 303]).toContain(confirm.status);
    expect(confirm.headers.get('location')).toBe(postLogout);
  });

  it('logout falls back to our own page when the provider cannot be reached', async () => {
    const ctx = await connect({
      OIDC_PATIENT_ISSUER: 'http://127.0.0.1:9/',
      OIDC_PATIENT_CLIENT_SECRET: 'x'.repeat(20),
    });
    const app = testApp(ctx, []);
    try {
      // Logged in through the working provider, logged out by an app whose provider is down.
      const patient = await login(stack.app, { personnummer: pnr });
      const sid = patient.agent.jar.getCookie('vardmote', {
        domain: '127.0.0.1',
        path: '/',
        secure: false,
        script: false,
      });
      const res = await request(app)
        .post('/logout')
        .set('cookie', `vardmote=${sid!.value}`)
        .set('x-csrf-token', patient.csrf)
        .expect(303);
      expect(res.headers.location).toBe('/login?utloggad=1');
      await patient.get('/api/me').expect(401);
    } finally {
      await app.close();
      await ctx.close();
    }
  });

  it('limits login attempts per client address', async () => {
    const ctx = await connect({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    const app = testApp(ctx, []);
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await request(app).get('/login/patient')).status);
      expect(codes).toEqual([302, 302, 302, 429, 429]);
    } finally {
      await app.close();
      await ctx.close();
    }
  });
});

describe('production guards', () => {
  const base = { DATABASE_URL: 'postgres://x@127.0.0.1/db', NODE_ENV: 'production' };
  it('refuses to start without real secrets and identity providers', () => {
    expect(() => loadConfig(base)).toThrow(
      /SESSION_SECRET[\s\S]*OIDC_PATIENT_ISSUER|OIDC_PATIENT_ISSUER[\s\S]*SESSION_SECRET/,
    );
    expect(() => loadConfig(base)).toThrow(/JANUS_ADMIN_SECRET: the development default never runs in production/);
    expect(() => loadConfig({ ...base, ALLOW_POLICY_OVERRIDE: 'true' })).toThrow(/ALLOW_POLICY_OVERRIDE/);
  });

  it('the test identity provider never starts in production', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../scripts/test-idp/server.ts')],
      {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          TEST_IDP_PORT: '0',
          TEST_IDP_WEB_URLS: 'http://localhost:1',
          OIDC_PATIENT_CLIENT_SECRET: 'a'.repeat(20),
          OIDC_STAFF_CLIENT_SECRET: 'b'.repeat(20),
          API_CLIENT_SECRET: 'c'.repeat(20),
        },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('never runs with NODE_ENV=production');
  });

  it('a production relying party refuses the test provider', async () => {
    await expect(rp({ refuseTestProvider: true }).begin()).rejects.toThrow(/embedded test provider/);
  });
});
