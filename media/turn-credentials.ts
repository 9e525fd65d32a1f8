/**
 * Short-lived TURN credentials in the TURN REST scheme coturn checks with `use-auth-secret`: the
 * username is `<unix expiry>:<id>` and the password is base64(HMAC-SHA1(shared secret, username)).
 * Pure: the caller gives the time and an opaque id (never a name or personnummer: coturn logs usernames).
 */
import { createHmac } from 'node:crypto';

/** What a browser's RTCPeerConnection takes as one entry of `iceServers`. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface TurnCredentialInput {
  /** The STUN/TURN URIs (`stun:`, `turn:`, `turns:`) handed to the browser. */
  urls: readonly string[];
  /** The TURN server's `static-auth-secret`; without it only STUN URIs are handed out. */
  secret?: string;
  /** Opaque and random per page (the page's publisher id), so coturn's log names no person. */
  id: string;
  /** Now, in milliseconds since 1970. */
  nowMs: number;
  /** How long the credential may start a relay allocation. */
  ttlSeconds: number;
}

/**
 * The username and password of one TURN REST credential.
 * @param secret - the shared secret
 * @param id - an opaque id (no personal data)
 * @param expiresAt - unix seconds after which the TURN server refuses new allocations with it
 */
export function turnRestCredential(
  secret: string,
  id: string,
  expiresAt: number,
): { username: string; credential: string } {
  if (id.includes(':')) throw new Error('the TURN id may not contain ":" (it separates the expiry)');
  const username = `${expiresAt}:${id}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The page's `iceServers` and when their credential expires (null: nothing to expire).
 * @param input - the URIs, secret, opaque id, the time and the lifetime
 */
export function iceServersFor(input: TurnCredentialInput): { iceServers: IceServer[]; expiresAt: number | null } {
  const stun = input.urls.filter((u) => u.startsWith('stun:'));
  const turn = input.urls.filter((u) => /^turns?:/.test(u));
  const iceServers: IceServer[] = stun.length ? [{ urls: stun }] : [];
  if (!turn.length || !input.secret) return { iceServers, expiresAt: null };
  const expiresAt = Math.floor(input.nowMs / 1000) + input.ttlSeconds;
  iceServers.push({ urls: turn, ...turnRestCredential(input.secret, input.id, expiresAt) });
  return { iceServers, expiresAt };
}
