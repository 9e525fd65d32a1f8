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

/** The principal an Authorization header stands for; a 401 for anything but a good token. */
export function bearerVerifier(tokens: Config['apiTokens']) {
  let jwks: JWTVerifyGetKey | null = null;
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
      return {
        kind: 'machine',
        clientId: payload.client_id,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ') : [],
      };
    } catch (err) {
      req.log.info({ err: err instanceof Error ? err.message : String(err) }, 'bearer token refused');
      throw new HttpError(401, 'authorization: the token is invalid or expired', 'authorization', 'unauthenticated');
    }
  };
}
