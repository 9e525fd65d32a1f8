/**
 * The checks behind test/ops/compose.test.ts, as pure functions over a parsed compose file, so a test
 * can also run them on a doctored copy and see that they report what is wrong. Each returns its
 * problems, one line each; empty when all is well.
 */

export interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  env_file?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  networks?: string[] | Record<string, { aliases?: string[]; priority?: number } | null>;
  ports?: Array<string | { published?: string | number; target?: string | number; protocol?: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  secrets?: Array<string | { source: string }>;
  volumes?: string[];
  logging?: unknown;
  shm_size?: string | number;
  container_name?: string;
  profiles?: string[];
  restart?: string;
  healthcheck?: unknown;
}

export interface ComposeFile {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
  'x-logging'?: unknown;
  [key: string]: unknown;
}

/** A service's environment as a map (compose allows a list of `NAME=value` too). */
export function envOf(svc: Service | undefined): Record<string, string> {
  const env = svc?.environment ?? {};
  if (Array.isArray(env))
    return Object.fromEntries(env.map((e) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)] as [string, string]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** The networks a service joins; compose's `default` when it names none. */
export function networksOf(svc: Service): string[] {
  const n = svc.networks;
  if (!n) return ['default'];
  return Array.isArray(n) ? n : Object.keys(n);
}

/** The secrets mounted in a service. */
export function secretsOf(svc: Service | undefined): string[] {
  return (svc?.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
}

/** A command or entrypoint as one line of text (for what it runs). */
export function commandText(svc: Service | undefined): string {
  const text = (c: string | string[] | undefined) => (Array.isArray(c) ? c.join(' ') : (c ?? ''));
  return `${text(svc?.entrypoint)} ${text(svc?.command)}`.trim();
}

/** The condition a service waits for on another, or undefined when it does not depend on it. */
export function conditionOn(svc: Service | undefined, other: string): string | undefined {
  const d = svc?.depends_on;
  if (!d) return undefined;
  if (Array.isArray(d)) return d.includes(other) ? 'service_started' : undefined;
  return d[other] ? (d[other].condition ?? 'service_started') : undefined;
}

/** Services that share a network with each other: the pairs that can reach each other directly. */
export function sharedNetworks(c: ComposeFile, a: string, b: string): string[] {
  const sa = c.services[a];
  const sb = c.services[b];
  if (!sa || !sb) return [];
  const nb = new Set(networksOf(sb));
  return networksOf(sa).filter((n) => nb.has(n));
}

/** What faces the internet, and what holds the data. */
const EXPOSED = ['janus', 'coturn', 'proxy', 'idp'];
const DATA = ['postgres', 'temporal'];

/**
 * The networks: `edge` and `backend` exist; every service names its own (no `default`); Janus, coturn,
 * the proxy and the demo IdP share no network with PostgreSQL or Temporal; Janus's other networks hold
 * only web and the worker besides it, and are internal.
 */
export function networkProblems(c: ComposeFile): string[] {
  const problems: string[] = [];
  for (const n of ['edge', 'backend']) if (!c.networks || !(n in c.networks)) problems.push(`network ${n}: missing`);
  for (const [name, svc] of Object.entries(c.services))
    if (!svc.networks) problems.push(`${name}: names no network (it would join compose's default)`);
  for (const outside of EXPOSED)
    for (const data of DATA) {
      const shared = sharedNetworks(c, outside, data);
      if (shared.length) problems.push(`${outside} reaches ${data} on ${shared.join(', ')}`);
    }
  const janus = c.services.janus;
  if (janus)
    for (const n of networksOf(janus).filter((n) => n !== 'edge')) {
      const others = Object.entries(c.services)
        .filter(([name, svc]) => name !== 'janus' && networksOf(svc).includes(n))
        .map(([name]) => name);
      const extra = others.filter((o) => o !== 'web' && o !== 'worker');
      if (extra.length) problems.push(`janus's network ${n} also holds ${extra.join(', ')}`);
      if (!c.networks?.[n]?.internal) problems.push(`janus's network ${n} is not internal`);
    }
  return problems;
}

/** Janus's own settings only, the secrets, event sink, RTP range and NAT/STUN among them. */
const JANUS_NEEDS = [
  'JANUS_API_SECRET',
  'JANUS_ADMIN_SECRET',
  'JANUS_ROOM_ADMIN_KEY',
  'JANUS_EVENT_SECRET',
  'JANUS_EVENT_SINK_URL',
  'JANUS_RTP_PORTS',
  'JANUS_NAT_1_1_MAPPING',
  'JANUS_STUN_SERVER',
];

/** Janus gets no env file and only JANUS_* settings, each it needs, and keeps its health check. */
export function janusEnvProblems(c: ComposeFile): string[] {
  const janus = c.services.janus;
  if (!janus) return ['janus: no such service'];
  const problems: string[] = [];
  if (janus.env_file) problems.push('janus: reads an env file');
  const env = envOf(janus);
  for (const k of Object.keys(env)) if (!k.startsWith('JANUS_')) problems.push(`janus: is given ${k}`);
  for (const k of JANUS_NEEDS) if (!(k in env)) problems.push(`janus: lacks ${k}`);
  if (!janus.healthcheck) problems.push('janus: no health check');
  return problems;
}

export interface Published {
  service: string;
  /** The host port or range, e.g. `443` or `20000-20999`. */
  published: string;
  protocol: 'tcp' | 'udp';
}

/** Every port a service publishes on the host. */
export function publishedPorts(c: ComposeFile): Published[] {
  return Object.entries(c.services).flatMap(([service, svc]) =>
    (svc.ports ?? []).map((p): Published => {
      if (typeof p === 'string') {
        const [spec, protocol = 'tcp'] = p.split('/');
        const parts = spec.split(':');
        const published = parts.length > 1 ? parts[parts.length - 2] : parts[0];
        return { service, published, protocol: protocol as Published['protocol'] };
      }
      return { service, published: String(p.published ?? p.target), protocol: (p.protocol ?? 'tcp') as 'tcp' | 'udp' };
    }),
  );
}

/**
 * Only the proxy publishes (80 and 443); coturn its TURN ports (3478 UDP/TCP, 5349 TCP) and its UDP
 * relay range; Janus only its UDP media range. So web, Janus's API, the Temporal UI and PostgreSQL
 * publish nothing; nor does a scalable web carry a fixed container name.
 */
export function portProblems(c: ComposeFile): string[] {
  const allowed = (p: Published) =>
    (p.service === 'proxy' && p.protocol === 'tcp' && ['80', '443'].includes(p.published)) ||
    (p.service === 'coturn' && (p.protocol === 'udp' || ['3478', '5349'].includes(p.published))) ||
    (p.service === 'janus' && p.protocol === 'udp');
  const problems = publishedPorts(c)
    .filter((p) => !allowed(p))
    .map((p) => `${p.service}: publishes ${p.published}/${p.protocol}`);
  if (c.services.web?.container_name) problems.push('web: has a container_name (it cannot be scaled)');
  return problems;
}

/** The Temporal UI: read-only, behind the staff IdP, and its codec on Vårdmöte's own site. */
export function temporalUiProblems(c: ComposeFile): string[] {
  const env = envOf(c.services['temporal-ui']);
  const problems: string[] = [];
  if (env.TEMPORAL_DISABLE_WRITE_ACTIONS !== 'true') problems.push('temporal-ui: write actions are on');
  if (env.TEMPORAL_AUTH_ENABLED !== 'true') problems.push('temporal-ui: no login');
  if (!/^https:\/\/\$\{VARDMOTE_SITE[:?}][^/]*\/codec$/.test(env.TEMPORAL_CODEC_ENDPOINT ?? ''))
    problems.push("temporal-ui: the codec is not web's /codec on VARDMOTE_SITE");
  if (!/^https:\/\/\$\{TEMPORAL_UI_SITE[:?}]/.test(env.TEMPORAL_AUTH_CALLBACK_URL ?? ''))
    problems.push('temporal-ui: its login callback is not on TEMPORAL_UI_SITE');
  return problems;
}

/** The proxy's side of the Caddyfile's contract (deploy/caddy/Caddyfile's header). */
export function proxyProblems(c: ComposeFile): string[] {
  const env = envOf(c.services.proxy);
  const want: Record<string, string | null> = {
    VARDMOTE_SITE: null,
    TEMPORAL_UI_SITE: null,
    CADDY_TLS: null,
    WEB_UPSTREAMS: 'web:3000',
    JANUS_UPSTREAM: 'janus:8188',
    TEMPORAL_UI_UPSTREAM: 'temporal-ui:8080',
  };
  return Object.entries(want).flatMap(([k, v]) =>
    !(k in env) ? [`proxy: lacks ${k}`] : v !== null && env[k] !== v ? [`proxy: ${k} is ${env[k]}, not ${v}`] : [],
  );
}

/** An IPv4 address as a number. */
const ipv4 = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** Addresses a relay must never reach: this host, Docker's networks, private LANs, a cloud's metadata. */
const PRIVATE_SAMPLES = [
  '10.0.0.1',
  '172.17.0.2',
  '172.31.255.254',
  '192.168.1.1',
  '127.0.0.1',
  '169.254.169.254',
  '100.64.0.1',
];

/**
 * coturn: short-lived credentials from the shared secret, the public address as its relayed one, no
 * CLI, no relay to a private address, Janus's public address allowed; the relay and RTP ranges
 * published are the ones configured.
 * @param c - docker-compose.yml
 * @param template - deploy/coturn/turnserver.conf.template
 */
export function turnProblems(c: ComposeFile, template: string): string[] {
  const problems: string[] = [];
  for (const line of [
    'use-auth-secret',
    'static-auth-secret=${TURN_SECRET}',
    'external-ip=${PUBLIC_IP}',
    'realm=${TURN_REALM}',
    'no-cli',
    'allowed-peer-ip=${PUBLIC_IP}',
  ])
    if (!template.split('\n').includes(line)) problems.push(`coturn: lacks ${line}`);
  const denied = [...template.matchAll(/^denied-peer-ip=([\d.]+)(?:-([\d.]+))?$/gm)].map((m) => [
    ipv4(m[1]),
    ipv4(m[2] ?? m[1]),
  ]);
  for (const ip of PRIVATE_SAMPLES)
    if (!denied.some(([lo, hi]) => ipv4(ip) >= lo && ipv4(ip) <= hi)) problems.push(`coturn: may relay to ${ip}`);
  const ports = publishedPorts(c);
  const range = (service: string) => ports.find((p) => p.service === service && p.published.includes('-'))?.published;
  const turn = envOf(c.services.coturn);
  if (range('coturn') !== `${turn.TURN_MIN_PORT}-${turn.TURN_MAX_PORT}`)
    problems.push(`coturn: publishes ${range('coturn')}, relays on ${turn.TURN_MIN_PORT}-${turn.TURN_MAX_PORT}`);
  const rtp = envOf(c.services.janus).JANUS_RTP_PORTS;
  if (range('janus') !== rtp) problems.push(`janus: publishes ${range('janus')}, uses ${rtp}`);
  return problems;
}
