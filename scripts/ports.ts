/** Every port the project's own processes use: `npm start`'s and `npm test`'s, each set moved by its offset. */

export interface StackPorts {
  postgres: number;
  /** Temporal's gRPC frontend; its HTTP API and metrics take the next two ports. */
  temporal: number;
  temporalUi: number;
  janusWs: number;
  janusAdmin: number;
  web: number;
  /** The embedded test identity provider (OpenID Connect). */
  idp: number;
  /** The worker's /metrics and /readyz; the Temporal SDK's own exporter takes the next port. */
  workerMetrics: number;
  /** The RIVTA producer (crm:scheduling over HTTPS with mutual TLS). */
  rivta: number;
  /** The local test engagement index (Update over HTTPS with mutual TLS, and its page). */
  engagementIndex: number;
  /** The test journal (FHIR R4, scripts/test-ehr). */
  ehr: number;
  /** The test SMS centre (SMPP 3.4, scripts/test-smsc). */
  smsc: number;
  /** The embedded TURN/STUN server (coturn), UDP and TCP. */
  turn: number;
  /** The first of the embedded TURN server's TURN_RELAY_PORTS relay ports (UDP). */
  turnRelay: number;
}

/**
 * How many relay ports the embedded TURN server has from `turnRelay` on. Chromium allocates a relay per
 * local address for each peer connection and lets the spare ones lapse later, so one two-party meeting
 * briefly holds up to a dozen (seen in coturn's log); forty leave room for the meeting after it.
 */
export const TURN_RELAY_PORTS = 40;
/** The relay range moves by this many ports per port of offset: sets ten apart get ranges of their own. */
const RELAY_STRIDE = TURN_RELAY_PORTS / 10;

/** `npm start` (scripts/stack.ts), and the defaults of config.ts. */
export const DEV_PORTS: Readonly<StackPorts> = {
  postgres: 54329,
  temporal: 7233,
  temporalUi: 8233,
  janusWs: 8188,
  janusAdmin: 7188,
  web: 3000,
  idp: 3100,
  workerMetrics: 9464,
  rivta: 3443,
  engagementIndex: 3444,
  ehr: 3445,
  smsc: 3446,
  // Not TURN's usual 3478: Debian's coturn service may already hold that one on this machine.
  turn: 3447,
  // Below Janus's default RTP range (20000–40000) and Linux's ephemeral ports (32768–60999).
  turnRelay: 19000,
};

/** `npm test` (scripts/with-services.ts): ten above `npm start`'s, so both can run on one machine. */
export const TEST_PORTS_BASE: Readonly<StackPorts> = {
  postgres: 54339,
  temporal: 7243,
  temporalUi: 8243,
  janusWs: 8198,
  janusAdmin: 7198,
  web: 3099,
  idp: 3199,
  workerMetrics: 9474,
  rivta: 3453,
  engagementIndex: 3454,
  ehr: 3455,
  smsc: 3456,
  turn: 3457,
  turnRelay: 19000 + 10 * RELAY_STRIDE,
};

/**
 * Every port of a set moved by the same offset, the relay range by RELAY_STRIDE times it.
 * @param base - the set
 * @param offset - added to each port
 */
export function shiftPorts(base: Readonly<StackPorts>, offset: number): StackPorts {
  const out = { ...base };
  for (const k of Object.keys(out) as Array<keyof StackPorts>) out[k] += offset;
  out.turnRelay = base.turnRelay + offset * RELAY_STRIDE;
  return out;
}

/** A port offset from the environment: a whole number, 0 when unset. */
function offsetOf(env: NodeJS.ProcessEnv, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new Error(`${name}: a whole number of ports, not "${raw}"`);
  return Number(raw);
}

/**
 * `npm start`'s ports: VARDMOTE_PORT_OFFSET moves them all (a second stack beside the first, as the
 * supervision test runs one); PORT sets the web port before the offset.
 * @param env - usually process.env
 */
export function devPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const ports = shiftPorts(DEV_PORTS, offsetOf(env, 'VARDMOTE_PORT_OFFSET'));
  if (env.PORT) ports.web = Number(env.PORT) + offsetOf(env, 'VARDMOTE_PORT_OFFSET');
  return ports;
}

/**
 * `npm test`'s ports: VARDMOTE_TEST_PORT_OFFSET moves them all, so two checkouts can test side by side.
 * @param env - usually process.env
 */
export function testPorts(env: NodeJS.ProcessEnv = process.env): StackPorts {
  return shiftPorts(TEST_PORTS_BASE, offsetOf(env, 'VARDMOTE_TEST_PORT_OFFSET'));
}
