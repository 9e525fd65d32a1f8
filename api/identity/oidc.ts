/**
 * The OpenID Connect relying party (openid-client), one per audience: patients and guardians through
 * a BankID / Freja broker, staff through the region's SITHS IdP. Authorization code with PKCE, state
 * and nonce; the ID token's signature is checked against the issuer's JWKS; the `acr` must be one
 * of the accepted levels (LoA3 or higher by default) and the authentication recent (`max_age` /
 * `auth_time`). Logout ends the session at the provider too (RP-initiated logout).
 */
import * as oidc from 'openid-client';
import type { OidcClientConfig } from '../../config';

/** What the callback needs from the start of the login (kept in the server-side session). */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
}

export type LoginRefusal =
  'acr' | 'auth-time' | 'state' | 'nonce' | 'token' | 'provider' | 'cancelled' | 'claim' | 'unknown-staff';

/** A login that did not yield a verified person, with a reason for the log and a message for the page. */
export class LoginError extends Error {
  constructor(
    readonly reason: LoginRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** A verified login: the ID token's claims, and the token itself for `id_token_hint` at logout. */
export interface FinishedLogin {
  claims: Record<string, unknown>;
  idToken: string;
}

export interface RelyingParty {
  readonly issuer: string;
  begin(): Promise<{ url: string; pending: PendingLogin }>;
  /** Verifies the callback (its query string) and returns the ID token and its claims. */
  finish(query: string, pending: PendingLogin): Promise<FinishedLogin>;
  /**
   * The provider's end-session URL for this ID token, returning to our post-logout page; null when
   * the provider announces no `end_session_endpoint`.
   */
  logoutUrl(idToken: string): Promise<string | null>;
}

export interface RelyingPartyOptions {
  /** Refuse a provider that says it is the embedded test provider (production). */
  refuseTestProvider?: boolean;
  /** Seconds to add to our clock (tests: an expired token). */
  clockSkewSeconds?: number;
  /** Replaces fetch (tests: a tampered token response). */
  fetch?: oidc.CustomFetch;
}

const isLocal = (u: URL) => u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
const RETRY = 'Försök igen.';

export function createRelyingParty(settings: OidcClientConfig, opts: RelyingPartyOptions = {}): RelyingParty {
  let discovered: Promise<oidc.Configuration> | null = null;
  const discover = async () => {
    const issuer = new URL(settings.issuer);
    const config = await oidc.discovery(
      issuer,
      settings.clientId,
      { ...(opts.clockSkewSeconds ? { [oidc.clockSkew]: opts.clockSkewSeconds } : {}) },
      oidc.ClientSecretBasic(settings.clientSecret),
      {
        // Plain http only to a provider on this machine (the embedded test provider).
        execute: [...(isLocal(issuer) ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
        ...(opts.fetch ? { [oidc.customFetch]: opts.fetch } : {}),
      },
    );
    if (opts.fetch) config[oidc.customFetch] = opts.fetch;
    if (opts.refuseTestProvider && config.serverMetadata().vardmote_test_provider)
      throw new Error(`${settings.issuer} is the embedded test provider; it never serves production`);
    return config;
  };
  const configuration = () => {
    discovered ??= discover().catch((err: unknown) => {
      discovered = null; // try again on the next login rather than failing until restart
      throw err;
    });
    return discovered;
  };

  return {
    issuer: settings.issuer,
    async begin() {
      const config = await configuration();
      const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUrl,
        scope: settings.scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        acr_values: settings.acrValues.join(' '),
        // Every login is a fresh e-ID authentication, never a remembered IdP session; max_age makes
        // the provider state when that was (auth_time), and lets us refuse one that ignored prompt.
        prompt: 'login',
        max_age: String(settings.maxAgeSeconds),
      });
      return { url: url.href, pending };
    },
    async finish(query, pending) {
      const config = await configuration();
      // The redirect URL as registered, with the IdP's answer: openid-client derives redirect_uri from it.
      const callbackUrl = new URL(settings.redirectUrl);
      callbackUrl.search = query;
      if (callbackUrl.searchParams.get('error') === 'access_denied')
        throw new LoginError('cancelled', 'Inloggningen avbröts.');
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
          // auth_time must be present and no older than max_age (with openid-client's clock tolerance).
          maxAge: settings.maxAgeSeconds,
        });
      } catch (err) {
        throw refusalOf(err, settings.maxAgeSeconds);
      }
      const claims = tokens.claims()!;
      if (typeof claims.acr !== 'string' || !settings.acrValues.includes(claims.acr))
        throw new LoginError(
          'acr',
          'Din e-legitimation har för låg tillitsnivå. Logga in med BankID eller Freja eID+ (tillitsnivå 3).',
        );
      return { claims: claims as Record<string, unknown>, idToken: tokens.id_token! };
    },
    async logoutUrl(idToken) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: settings.postLogoutRedirectUrl,
      }).href;
    },
  };
}

/** Names what went wrong for the log (the reason) and for the person (a Swedish message). */
function refusalOf(err: unknown, maxAgeSeconds: number): LoginError {
  const text =
    err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  if (/auth_time|since the last End-User authentication/.test(text))
    return new LoginError(
      'auth-time',
      `Inloggningen måste vara nygjord: inloggningstjänsten angav inte när du legitimerade dig, eller så var det mer än ${
        maxAgeSeconds < 120 ? `${maxAgeSeconds} sekunder` : `${Math.round(maxAgeSeconds / 60)} minuter`
      } sedan. ${RETRY}`,
    );
  if (/\bstate\b/i.test(text))
    return new LoginError('state', `Inloggningen hörde inte till den här webbläsaren. ${RETRY}`);
  if (/nonce/i.test(text)) return new LoginError('nonce', `Inloggningen hörde inte till den här webbläsaren. ${RETRY}`);
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError)
    return new LoginError('provider', `Inloggningstjänsten nekade inloggningen. ${RETRY}`);
  return new LoginError('token', `Inloggningen kunde inte verifieras. ${RETRY}`);
}
