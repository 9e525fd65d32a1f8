/**
 * The embedded test identity provider: a real OpenID provider (npm `oidc-provider`) whose login page
 * lists test identities instead of asking BankID, Freja or SITHS. It refuses to run in production.
 */
import '../../runtime';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import Handlebars from 'handlebars';
import Provider, { type Configuration } from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import { stockholmDateOf } from '../../domain/dates';
import { claimsOf, customIdentity, identityFor, LOA2, LOA3, PNR_CLAIM, HSA_CLAIM, testIdentities } from './identities';

export const API_AUDIENCE = 'urn:vardmote:api';
/** The app's page after logout (config.ts `POST_LOGOUT_PATH`), registered as post-logout redirect URI. */
const POST_LOGOUT_PATH = '/login?utloggad=1';

/** oidc-provider's in-memory store, chosen on purpose: a test login need not outlive the process (the subclass says so and silences its warning). */
class TestOnlyMemoryStore extends MemoryAdapter {}
export const API_SCOPES = ['encounters:read', 'encounters:write', 'participants', 'finance:import', 'metrics'];

export interface TestIdpOptions {
  port: number;
  /** Where it listens: 127.0.0.1, or all addresses inside a demo container (compose reaches it through the proxy). */
  host?: string;
  /** Its public issuer when a TLS proxy fronts it (docker-compose.demo.yml, the production-shape test). */
  issuer?: string;
  /** Where the web app is reached; the redirect URIs are registered under it. */
  webBaseUrls: string[];
  secrets: { patient: string; staff: string; machine: string };
}

const page = Handlebars.compile(fs.readFileSync(path.join(__dirname, 'login.hbs'), 'utf8'));
const logoutPage = Handlebars.compile(fs.readFileSync(path.join(__dirname, 'logout.hbs'), 'utf8'));

export function createTestProvider(issuer: string, opts: TestIdpOptions): Provider {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(4).toString('hex')}`, use: 'sig' };
  const byId = new Map(testIdentities(stockholmDateOf(new Date())).map((i) => [i.sub, i]));
  const configuration: Configuration = {
    clients: [
      {
        client_id: 'vardmote-patient',
        client_secret: opts.secrets.patient,
        redirect_uris: opts.webBaseUrls.map((b) => `${b}/auth/callback/patient`),
        post_logout_redirect_uris: opts.webBaseUrls.map((b) => `${b}${POST_LOGOUT_PATH}`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      {
        client_id: 'vardmote-staff',
        client_secret: opts.secrets.staff,
        redirect_uris: opts.webBaseUrls.map((b) => `${b}/auth/callback/staff`),
        post_logout_redirect_uris: opts.webBaseUrls.map((b) => `${b}${POST_LOGOUT_PATH}`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      {
        client_id: 'vardmote-machine',
        client_secret: opts.secrets.machine,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: API_SCOPES.join(' '),
      },
    ],
    adapter: TestOnlyMemoryStore,
    scopes: ['openid', ...API_SCOPES],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    acrValues: [LOA2, LOA3],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', HSA_CLAIM],
      'https://id.oidc.se/scope/naturalPersonNumber': [PNR_CLAIM],
    },
    // Brokers put the identity claims in the ID token itself; so does this one.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const identity = identityFor(sub, byId);
      return identity ? { accountId: sub, claims: () => ({ ...claimsOf(identity), sub }) } : undefined;
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RP-initiated logout (the app sends id_token_hint and a registered post_logout_redirect_uri).
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage({ form });
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = logoutPage({ done: true });
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== API_AUDIENCE) throw new Error(`unknown resource ${resource}`);
          return { scope: API_SCOPES.join(' '), audience: API_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 600 };
        },
      },
    },
    discovery: { vardmote_test_provider: true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      ClientCredentials: 600,
      Session: 600,
      Interaction: 600,
      Grant: 600,
      IdToken: 600,
      AccessToken: 600,
      AuthorizationCode: 60,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="sv"><meta charset="utf-8"><title>Inloggningen misslyckades</title><h1>Inloggningen misslyckades</h1><p>${Handlebars.escapeExpression(String(out.error_description ?? out.error))}</p>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  // A login whose time is not known (authAge=none) gets an ID token with no auth_time at all, as
  // from a broker that leaves it out (oidc-provider itself would write `auth_time: null`).
  const idToken = provider.IdToken.prototype as unknown as { payload(): Promise<Record<string, unknown>> };
  const payload = idToken.payload;
  idToken.payload = async function (this: unknown) {
    const claims = await payload.call(this);
    if (claims.auth_time === null) delete claims.auth_time;
    return claims;
  };
  return provider;
}

/**
 * When the person authenticated, as a provider that reuses an earlier single sign-on would say:
 * `authAge` seconds ago, `none` for an ID token without `auth_time`, now when absent (tests of
 * max_age use the first two).
 */
function authenticatedAt(authAge: string | undefined): { ts?: number } {
  if (authAge === 'none') return { ts: null as unknown as number };
  if (authAge && /^\d+$/.test(authAge)) return { ts: Math.floor(Date.now() / 1000) - Number(authAge) };
  return {};
}

/** Starts the provider (on 127.0.0.1 unless told) with its login pages; resolves once it listens. */
export async function startTestIdp(opts: TestIdpOptions): Promise<{ issuer: string; close(): Promise<void> }> {
  if (process.env.NODE_ENV === 'production')
    throw new Error('the test identity provider never runs with NODE_ENV=production; point OIDC_* at real brokers');
  const issuer = opts.issuer ?? `http://127.0.0.1:${opts.port}`;
  const provider = createTestProvider(issuer, opts);
  // Behind the TLS proxy: believe its X-Forwarded-Proto, so the provider's cookies and URLs are https ones.
  if (opts.issuer) provider.proxy = true;
  const identities = testIdentities(stockholmDateOf(new Date()));
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => (res.set('cache-control', 'no-store'), next()));

  app.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const staff = details.params.client_id === 'vardmote-staff';
      res.type('html').send(
        page({
          uid: details.uid,
          clientId: details.params.client_id,
          staff,
          heading: staff ? 'Logga in med SITHS (test)' : 'Logga in med BankID eller Freja eID+ (test)',
          identities: identities.filter((i) => (i.kind === 'staff') === staff),
        }),
      );
    } catch (err) {
      next(err);
    }
  });
  app.post('/interaction/:uid/login', express.urlencoded({ extended: false }), async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      const identity =
        body.sub === 'custom'
          ? customIdentity({ personnummer: body.personnummer, hsaId: body.hsaId, name: body.name, acr: body.acr })
          : identities.find((i) => i.sub === body.sub);
      if (!identity) return void res.status(400).type('text').send('okänd testidentitet');
      const grant = new provider.Grant({ accountId: identity.sub, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        {
          login: {
            accountId: identity.sub,
            acr: identity.acr,
            amr: [identity.kind === 'staff' ? 'siths' : 'bankid'],
            ...authenticatedAt(body.authAge),
          },
          consent: { grantId },
        },
        { mergeWithLastSubmission: false },
      );
    } catch (err) {
      next(err);
    }
  });
  app.post('/interaction/:uid/abort', async (req, res, next) => {
    try {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'Inloggningen avbröts' },
        { mergeWithLastSubmission: false },
      );
    } catch (err) {
      next(err);
    }
  });
  app.use(provider.callback());

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Run as a process by scripts/services.ts: the options come from the environment. */
if (require.main === module) {
  const env = process.env;
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`${k} is required`);
    return v;
  };
  startTestIdp({
    port: Number(need('TEST_IDP_PORT')),
    host: env.TEST_IDP_HOST || undefined,
    issuer: env.TEST_IDP_ISSUER || undefined,
    webBaseUrls: need('TEST_IDP_WEB_URLS').split(','),
    secrets: {
      patient: need('OIDC_PATIENT_CLIENT_SECRET'),
      staff: need('OIDC_STAFF_CLIENT_SECRET'),
      machine: need('API_CLIENT_SECRET'),
    },
  })
    .then(({ issuer }) => console.log(`test identity provider on ${issuer}`))
    .catch((err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
