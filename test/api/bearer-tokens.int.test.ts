/**
 * Machine clients' bearer tokens (JWT access tokens, RFC 9068): a token must carry `exp` and come from
 * a client in `API_TOKEN_CLIENT_IDS`. A small issuer of our own signs tokens that differ from a good
 * one in that one claim; the embedded provider's real tokens are refused once its client is not listed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { loadConfig, TEST_IDP_MACHINE_CLIENT_IDS } from '../../config';
import type { App } from '../../api/app';
import { testApp } from '../../testkit/app';
import { connect, TestContext } from '../../testkit/env';
import { machineToken } from '../../testkit/login';

const AUDIENCE = 'urn:vardmote:api';
const ALLOWED = 'region-booking';

/** An OpenID issuer on this machine that only publishes its key (discovery and JWKS). */
async function startIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', use: 'sig', alg: 'RS256' };
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer: base, jwks_uri: `${base}/jwks` }
        : req.url === '/jwks'
          ? { keys: [jwk] }
          : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** A token as an RFC 9068 issuer makes it, with `change` applied to the claims (null deletes). */
  const sign = (change: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: issuer,
      aud: AUDIENCE,
      sub: ALLOWED,
      client_id: ALLOWED,
      scope: 'encounters:read',
      iat: now,
      exp: now + 300,
      jti: `jti-${now}-${Math.random()}`,
      ...change,
    };
    for (const [k, v] of Object.entries(claims)) if (v === null) delete claims[k];
    return new SignJWT(claims as JWTPayload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'test-key' })
      .sign(privateKey);
  };
  return { issuer, sign, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('tokens from an issuer of our own', () => {
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let ctx: TestContext;
  let app: App;
  beforeAll(async () => {
    issuer = await startIssuer();
    ctx = await connect({ API_TOKEN_ISSUER: issuer.issuer, API_TOKEN_CLIENT_IDS: `${ALLOWED}, region-journal` });
    app = testApp(ctx, []);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
    await issuer?.close();
  });
  const list = async (token: string) => request(app).get('/api/encounters').set('authorization', `Bearer ${token}`);

  it('a listed client with an expiring token is let in', async () => {
    expect((await list(await issuer.sign())).status).toBe(200);
    expect((await list(await issuer.sign({ client_id: 'region-journal', sub: 'region-journal' }))).status).toBe(200);
  });

  it('a token without exp is refused with 401', async () => {
    const res = await list(await issuer.sign({ exp: null }));
    expect(res.status).toBe(401);
    expect(res.body.message).toContain('the token is invalid or expired');
  });

  it('an expired token is refused with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await list(await issuer.sign({ iat: now - 900, exp: now - 600 }))).status).toBe(401);
  });

  it('a token let in once is let in again without a new check only until its exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign({ iat: now, exp: now + 2 });
    expect((await list(token)).status).toBe(200);
    expect((await list(token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, (now + 2) * 1000 - Date.now() + 1100));
    expect((await list(token)).status).toBe(401);
  });

  it('a client not in API_TOKEN_CLIENT_IDS is refused with 401, though issuer and audience are right', async () => {
    expect((await list(await issuer.sign({ client_id: 'someone-else', sub: 'someone-else' }))).status).toBe(401);
  });

  it('a token without client_id is refused, even when its sub names a listed client', async () => {
    expect((await list(await issuer.sign({ client_id: null }))).status).toBe(401);
  });
});

describe('tokens from the embedded provider', () => {
  it('its machine client is let in by default outside production, and refused when not listed', async () => {
    expect(loadConfig({ ...process.env, API_TOKEN_CLIENT_IDS: undefined }).apiTokens?.clientIds).toEqual(
      TEST_IDP_MACHINE_CLIENT_IDS,
    );
    const token = await machineToken('encounters:read');
    const listed = await connect();
    const unlisted = await connect({ API_TOKEN_CLIENT_IDS: ALLOWED });
    const [a, b] = [testApp(listed, []), testApp(unlisted, [])];
    try {
      await request(a).get('/api/encounters').set('authorization', `Bearer ${token}`).expect(200);
      await request(b).get('/api/encounters').set('authorization', `Bearer ${token}`).expect(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([listed.close(), unlisted.close()]);
    }
  });
});
