/**
 * The relying party against the real embedded provider: a good login passes; a wrong signature, a
 * wrong nonce, a wrong state, an expired token and an `acr` below LoA3 are each refused. Then the
 * app around it: refused logins, logout and session timeouts, production guards, login rate limits.
 */
import request from 'supertest';
import { createRelyingParty, LoginError, RelyingPartyOptions } from '../../api/identity/oidc';
import { loadConfig, LOA3 } from '../../config';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { testApp, useApiStack } from '../support/app';
import { connect } from '../support/env';
import { makeFixture } from '../support/fixtures';
import { login, throughProvider } from '../support/login';

const stack = useApiStack();
let pnr: string;
beforeAll(async () => {
  pnr = (await makeFixture(stack.ctx.orm)).adultPnr;
});

const rp = (opts: RelyingPartyOptions = {}) => createRelyingParty(stack.ctx.config.oidc.patient!, opts);

/** Runs a login to the callback and hands its query string and the pending checks to `finish`. */
async function attempt(
  party: ReturnType<typeof rp>,
  who: { personnummer: string; loa?: 'loa2' | 'loa3' },
  tamper: (p: { state: string; nonce: string; verifier: string }) => typeof p = (p) => p,
) {
  const { url, pending } = await party.begin();
  const back = await throughProvider(url, who);
  return party.finish(back.search, tamper(pending));
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
    await patient.post('/logout').expect(303);
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
