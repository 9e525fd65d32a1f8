/**
 * Machine clients' bearer tokens: JWT access tokens (RFC 9068) from the configured issuer, checked
 * against its JWKS, for our audience, with `exp` and a `client_id` from API_TOKEN_CLIENT_IDS.
 */
import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import type { MachinePrincipal } from './auth';
import { HttpError } from './http/errors';

const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);

/** Verified tokens kept at most (a client sends the same token until it expires; a full cache starts over). */
const VERIFIED_MAX = 10_000;

/** The principal an Authorization header stands for; a 401 for anything but a good token. */
export function bearerVerifier(tokens: Config['apiTokens']) {
  let jwks: JWTVerifyGetKey | null = null;
  // A token's signature and claims are checked once; until its `exp` the same string stands for the same
  // client (bench:api: the check was the chain's largest cost after the rate limit's round trip).
  const verified = new Map<string, { principal: MachinePrincipal; expiresAt: number }>();
  const keys = async () => {
    if (jwks) return jwks;
    const res = await fetch(new URL('.well-known/openid-configuration', withSlash(tokens!.issuer)));
    if (!res.ok) throw new Error(`discovery of ${tokens!.issuer} answered ${res.status}`);
    const meta = (await res.json()) as { jwks_uri: string };
    jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
    return jwks;
  };
  return async (req: Request, header: string): Promise<MachinePrincipal> => {
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!m || !tokens)
      throw new HttpError(401, 'authorization: a Bearer token is required', 'authorization', 'unauthenticated');
    const known = verified.get(m[1]);
    if (known && known.expiresAt > Date.now()) return { ...known.principal, scopes: [...known.principal.scopes] };
    try {
      const { payload } = await jwtVerify(m[1], await keys(), {
        issuer: tokens.issuer,
        audience: tokens.audience,
        typ: 'at+jwt',
        // RFC 9068 §2.2: a token that never expires is no token we accept; client_id names the caller.
        requiredClaims: ['exp', 'client_id'],
      });
      if (typeof payload.client_id !== 'string' || !tokens.clientIds.includes(payload.client_id))
        throw new Error(`client_id ${String(payload.client_id)} is not in API_TOKEN_CLIENT_IDS`);
      const principal: MachinePrincipal = {
        kind: 'machine',
        clientId: payload.client_id,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
      };
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(m[1], { principal, expiresAt: payload.exp! * 1000 });
      return { ...principal, scopes: [...principal.scopes] };
    } catch (err) {
      req.log.info({ err: err instanceof Error ? err.message : String(err) }, 'bearer token refused');
      throw new HttpError(401, 'authorization: the token is invalid or expired', 'authorization', 'unauthenticated');
    }
  };
}
