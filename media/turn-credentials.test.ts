/** TURN REST credentials: the username and HMAC coturn expects, and what the meeting page is handed. */
import { iceServersFor, turnRestCredential } from './turn-credentials';

const SECRET = 'north-wind-shared-secret';
const ID = 'p-0123456789abcdef01234567';
/** 2026-01-01T00:00:00Z. */
const EXPIRY = 1767225600;

it('matches a credential computed by hand with openssl', () => {
  // printf '%s' '1767225600:p-0123456789abcdef01234567' | openssl dgst -sha1 -hmac 'north-wind-shared-secret' -binary | base64
  expect(turnRestCredential(SECRET, ID, EXPIRY)).toEqual({
    username: '1767225600:p-0123456789abcdef01234567',
    credential: 'FNZoZAC6LUZ6MmWq835wppwgio4=',
  });
  // printf '%s' '1700003600:p-abc' | openssl dgst -sha1 -hmac 'k' -binary | base64
  expect(turnRestCredential('k', 'p-abc', 1700003600).credential).toBe('CCCTpcBJaKBy4ea5Hy/6OZq0JuM=');
});

it('refuses an id with a colon, which would move the expiry coturn reads', () => {
  expect(() => turnRestCredential(SECRET, '19850314:2385', EXPIRY)).toThrow(/may not contain ":"/);
});

it('hands STUN without and TURN with a credential that expires after the lifetime', () => {
  const nowMs = (EXPIRY - 3600) * 1000 + 999;
  const out = iceServersFor({
    urls: [
      'stun:turn.region.example:3478',
      'turn:turn.region.example:3478?transport=udp',
      'turns:turn.region.example:443',
    ],
    secret: SECRET,
    id: ID,
    nowMs,
    ttlSeconds: 3600,
  });
  expect(out.expiresAt).toBe(EXPIRY);
  expect(out.iceServers).toEqual([
    { urls: ['stun:turn.region.example:3478'] },
    {
      urls: ['turn:turn.region.example:3478?transport=udp', 'turns:turn.region.example:443'],
      username: `${EXPIRY}:${ID}`,
      credential: 'FNZoZAC6LUZ6MmWq835wppwgio4=',
    },
  ]);
  expect(JSON.stringify(out)).not.toContain(SECRET);
});

it('hands nothing without URIs, and no TURN entry without a secret', () => {
  expect(iceServersFor({ urls: [], secret: SECRET, id: ID, nowMs: 0, ttlSeconds: 60 })).toEqual({
    iceServers: [],
    expiresAt: null,
  });
  expect(iceServersFor({ urls: ['turn:t.example:3478'], id: ID, nowMs: 0, ttlSeconds: 60 })).toEqual({
    iceServers: [],
    expiresAt: null,
  });
});
