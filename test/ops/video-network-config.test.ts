/**
 * The video network settings (issue 31): TURN/STUN for browsers with what production refuses, several
 * Janus servers, and Janus's own NAT and STUN lines, which must leave the feature off when unset.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import { janusStunLines, renderJanusConfig } from '../../scripts/services';
import { SAFE } from '../support/production-env';

const DEV = { DATABASE_URL: 'postgres://x@127.0.0.1/db' };
const problems = (vars: Record<string, string | undefined>) => {
  try {
    loadConfig(vars);
    return [];
  } catch (err) {
    return (err as { problems: string[] }).problems;
  }
};

describe('TURN for browsers', () => {
  it('takes stun:, turn: and turns: URIs with a secret, and a credential lifetime of 5 minutes to a day', () => {
    const config = loadConfig({
      ...DEV,
      TURN_URLS: 'stun:t.example:3478, turn:t.example:3478?transport=udp,turns:t.example:443',
      TURN_SECRET: 'x'.repeat(24),
    });
    expect(config.turn).toEqual({
      urls: ['stun:t.example:3478', 'turn:t.example:3478?transport=udp', 'turns:t.example:443'],
      secret: 'x'.repeat(24),
      credentialTtlSeconds: 3600,
    });
    expect(loadConfig(DEV).turn.urls).toEqual([]);
    expect(problems({ ...DEV, TURN_URLS: 'https://t.example' })).toEqual([
      'TURN_URLS: must be stun:, turn: or turns: URIs, comma-separated',
    ]);
    expect(problems({ ...DEV, TURN_CREDENTIAL_TTL_SECONDS: '60' })[0]).toMatch(/^TURN_CREDENTIAL_TTL_SECONDS: /);
    expect(problems({ ...DEV, TURN_CREDENTIAL_TTL_SECONDS: '172800' })[0]).toMatch(/^TURN_CREDENTIAL_TTL_SECONDS: /);
  });

  it('needs the secret with a turn: URI (browsers could not authenticate), not with STUN alone', () => {
    expect(problems({ ...DEV, TURN_URLS: 'turn:t.example:3478' })).toEqual([
      "TURN_SECRET: required with turn: URIs in TURN_URLS (the TURN server's static-auth-secret)",
    ]);
    expect(problems({ ...DEV, TURN_URLS: 'stun:t.example:3478' })).toEqual([]);
  });

  it('production needs a relay, a real secret and a TURN server other than this machine', () => {
    expect(problems({ ...SAFE, TURN_URLS: undefined, TURN_SECRET: undefined })).toEqual([
      'TURN_URLS: required in production: at least one turn: or turns: URI. Without a TURN relay a patient behind a strict NAT or a firewall that blocks UDP gets no video or sound',
    ]);
    expect(problems({ ...SAFE, TURN_SECRET: 'change-me-to-16-or-more-random-characters' })).toEqual([
      'TURN_SECRET: still the example value from .env.example',
    ]);
    expect(problems({ ...SAFE, TURN_SECRET: 'dev-turn-secret-of-this-laptop' })).toEqual([
      'TURN_SECRET: the development default never runs in production',
    ]);
    expect(problems({ ...SAFE, TURN_URLS: 'turn:127.0.0.1:3478?transport=udp' })).toEqual([
      "TURN_URLS: npm start's embedded TURN server on this machine never runs in production",
    ]);
    // A demonstration (never real patients) may run without a relay.
    expect(problems({ ...SAFE, VARDMOTE_DEMO: 'true', TURN_URLS: undefined, TURN_SECRET: undefined })).toEqual([]);
  });
});

describe('several Janus servers', () => {
  it('are the same positions of JANUS_WS_URL, JANUS_ADMIN_URL and JANUS_PUBLIC_WS_URL; one server is as before', () => {
    const one = loadConfig(DEV).janus;
    expect(one.servers).toEqual([{ id: one.wsUrl, wsUrl: one.wsUrl, adminUrl: one.adminUrl, publicWsUrl: one.wsUrl }]);
    const two = loadConfig({
      ...DEV,
      JANUS_WS_URL: 'ws://janus-1:8188,ws://janus-2:8188',
      JANUS_ADMIN_URL: 'ws://janus-1:7188,ws://janus-2:7188',
      JANUS_PUBLIC_WS_URL: 'wss://video.example/j1,wss://video.example/j2',
    }).janus;
    expect(two.servers).toEqual([
      {
        id: 'ws://janus-1:8188',
        wsUrl: 'ws://janus-1:8188',
        adminUrl: 'ws://janus-1:7188',
        publicWsUrl: 'wss://video.example/j1',
      },
      {
        id: 'ws://janus-2:8188',
        wsUrl: 'ws://janus-2:8188',
        adminUrl: 'ws://janus-2:7188',
        publicWsUrl: 'wss://video.example/j2',
      },
    ]);
    expect(two.wsUrl).toBe('ws://janus-1:8188');
    expect(two.publicWsUrl).toBe('wss://video.example/j1');
  });

  it('refuses lists of different lengths, and a ws:// page URL of any server in production', () => {
    expect(problems({ ...DEV, JANUS_WS_URL: 'ws://janus-1:8188,ws://janus-2:8188' })).toEqual([
      'JANUS_ADMIN_URL: one URL per Janus server of JANUS_WS_URL (2), in the same order; 1 given',
    ]);
    expect(
      problems({
        ...SAFE,
        JANUS_WS_URL: 'ws://janus-1:8188,ws://janus-2:8188',
        JANUS_ADMIN_URL: 'ws://janus-1:7188,ws://janus-2:7188',
        JANUS_PUBLIC_WS_URL: 'wss://video.example/j1,ws://video.example/j2',
      }),
    ).toEqual(['JANUS_PUBLIC_WS_URL: browsers need a wss:// URL in production']);
  });
});

describe("Janus's NAT and STUN lines", () => {
  const render = (vars: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'janus-config-'));
    try {
      const out = renderJanusConfig(dir, {
        JANUS_CONFIG_DIR: dir,
        JANUS_LIB_DIR: '/usr/lib/janus',
        JANUS_ADMIN_SECRET: 'a',
        JANUS_API_SECRET: 'b',
        JANUS_ROOM_ADMIN_KEY: 'c',
        JANUS_EVENT_SECRET: 'd',
        JANUS_EVENT_SINK_URL: 'http://web/janus/events',
        JANUS_EVENTS_ENABLED: 'true',
        JANUS_WS_PORT: '8188',
        JANUS_ADMIN_WS_PORT: '7188',
        JANUS_BIND_IP: '127.0.0.1',
        JANUS_ADMIN_BIND_IP: '127.0.0.1',
        JANUS_RTP_PORTS: '20000-20999',
        JANUS_ICE_ENFORCE: 'eth0',
        ...vars,
      });
      return fs.readFileSync(path.join(out, 'janus.jcfg'), 'utf8');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('writes stun_server only when JANUS_STUN_SERVER is set (Janus exits on an empty one)', () => {
    expect(janusStunLines(undefined)).toBe('');
    expect(janusStunLines('')).toBe('');
    expect(janusStunLines('stun.region.example:3478')).toBe('stun_server = "stun.region.example"\n\tstun_port = 3478');
    const off = render({ JANUS_NAT_1_1_MAPPING: '', JANUS_STUN_LINES: janusStunLines(undefined) });
    expect(off).not.toMatch(/^\s*stun_server/m);
    // Janus skips an empty mapping: the feature stays off.
    expect(off).toMatch(/^\s*nat_1_1_mapping = ""$/m);
    const on = render({
      JANUS_NAT_1_1_MAPPING: '203.0.113.10',
      JANUS_STUN_LINES: janusStunLines('stun.region.example:3478'),
    });
    expect(on).toMatch(/^\s*nat_1_1_mapping = "203\.0\.113\.10"$/m);
    expect(on).toMatch(/^\s*stun_server = "stun\.region\.example"\n\s*stun_port = 3478$/m);
  });
});
