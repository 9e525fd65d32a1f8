/**
 * The one typed configuration object, read from the environment and validated at start-up. Each
 * setting is one field of `Settings`, declared with its environment variable (config-env.ts); the
 * `Config` type is inferred from the schema. Test-only switches are not settings (test-switches.ts).
 */
import fs from 'node:fs';
import { z } from 'zod';
import { requireSmtpTls } from './activities/mail/smtp-url';
import { checkSettings, DEV_SESSION_SECRET, list, publicUrlOf } from './config-checks';
import { ConfigError, bool, env, envNameAt, inputFrom, settingsOf } from './config-env';
import { DEV_PORTS } from './scripts/ports';
import { BASE_IN_ROOM, DEFAULT_MAX_IN_ROOM, MAX_IN_ROOM_LIMIT } from './domain/participants';
import { DEV_PAYLOAD_KEYS, parsePayloadKeys } from './temporal/codec';
import { testSwitchProblems } from './test-switches';

export { ConfigError } from './config-env';

export const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';
export const LOA4 = 'http://id.elegnamnden.se/loa/1.0/loa4';
/** The embedded test provider's machine clients: the bearer-token allow-list outside production. */
export const TEST_IDP_MACHINE_CLIENT_IDS = ['vardmote-machine'];
/** Bankgirot's own example number; outside production only. */
export const DEMO_BANKGIRO = '5555-5555';
/** Where both providers send the browser back after logout (registered there as post-logout redirect URI). */
export const POST_LOGOUT_PATH = '/login?utloggad=1';

/** One ws:// URL per Janus server, comma-separated in the same order in each Janus URL setting. */
const wsUrls = () =>
  z
    .string()
    .refine(
      (v) => list(v).length > 0 && list(v).every((u) => /^wss?:\/\//.test(u)),
      'must be ws:// or wss:// URLs, comma-separated',
    );
const minutes = () => z.coerce.number().int().min(1);
const perMinute = (n: number) => z.coerce.number().int().min(1).default(n);
const port = (n: number) => z.coerce.number().int().min(0).max(65535).default(n);

/** One OpenID Connect client: patients' e-ID broker or the staff IdP. */
const oidcClient = (who: 'PATIENT' | 'STAFF', defaults: { clientId: string; scope: string }) => ({
  issuer: env(`OIDC_${who}_ISSUER`, z.string().url().optional()),
  clientId: env(`OIDC_${who}_CLIENT_ID`, z.string().min(1).default(defaults.clientId)),
  clientSecret: env(`OIDC_${who}_CLIENT_SECRET`, z.string().min(16).optional()),
  redirectUrl: env(`OIDC_${who}_REDIRECT_URL`, z.string().url().optional()),
  scope: env(`OIDC_${who}_SCOPE`, z.string().default(defaults.scope)),
  /** Accepted `acr` values, comma-separated. */
  acr: env(`OIDC_${who}_ACR`, z.string().default(`${LOA3},${LOA4}`)),
});

/** Every setting, each declared once with its environment variable; see docs/configuration.md. */
export const Settings = z.object({
  databaseUrl: env('DATABASE_URL', z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  /**
   * A demonstration deployment (docker-compose.demo.yml, the production-shape test): production
   * otherwise, but the local stand-ins (test identity provider, journal, engagement index, SMS centre)
   * are let in, and every page says DEMO. Never for real patients.
   */
  demo: env('VARDMOTE_DEMO', bool.default(false)),
  temporal: z.object({
    address: env('TEMPORAL_ADDRESS', z.string().min(3).default(`127.0.0.1:${DEV_PORTS.temporal}`)),
    namespace: env('TEMPORAL_NAMESPACE', z.string().min(1).default('default')),
    taskQueue: env('TEMPORAL_TASK_QUEUE', z.string().min(1).default('vardmote')),
    /** mTLS: paths to PEM files. */
    tls: z.object({
      certPath: env('TEMPORAL_TLS_CERT', z.string().optional()),
      keyPath: env('TEMPORAL_TLS_KEY', z.string().optional()),
      caPath: env('TEMPORAL_TLS_CA', z.string().optional()),
    }),
    apiKey: env('TEMPORAL_API_KEY', z.string().optional()),
  }),
  janus: z.object({
    /** Janus's WebSocket API; several, comma-separated, spread new rooms over several Janus servers. */
    wsUrl: env('JANUS_WS_URL', wsUrls().default(`ws://127.0.0.1:${DEV_PORTS.janusWs}`)),
    /** The Janus WebSocket URL browsers use (behind a TLS proxy in production), per server; defaults to JANUS_WS_URL. */
    publicWsUrl: env('JANUS_PUBLIC_WS_URL', wsUrls().optional()),
    adminUrl: env('JANUS_ADMIN_URL', wsUrls().default(`ws://127.0.0.1:${DEV_PORTS.janusAdmin}`)),
    adminSecret: env('JANUS_ADMIN_SECRET', z.string().min(8).default('dev-janus-admin-secret')),
    /** Janus' api_secret: the server's own WebSocket sessions carry it (browsers carry a per-page token instead). */
    apiSecret: env('JANUS_API_SECRET', z.string().min(16).optional()),
    roomAdminKey: env('JANUS_ROOM_ADMIN_KEY', z.string().min(8).default('dev-janus-room-admin-key')),
    eventSecret: env('JANUS_EVENT_SECRET', z.string().min(8).default('dev-janus-event-secret')),
    /** Whether /readyz needs Janus, and whether rooms are real (false: in-memory rooms, video unavailable). */
    required: env('JANUS_REQUIRED', bool.default(true)),
    /** Read by Janus's own config (media/janus/janus.jcfg): the public address(es) its host candidates carry behind a 1:1 NAT. */
    nat1to1Mapping: env(
      'JANUS_NAT_1_1_MAPPING',
      z
        .string()
        .regex(/^[0-9a-fA-F.:]+(,[0-9a-fA-F.:]+)*$/, 'must be IP addresses, comma-separated')
        .optional(),
    ),
    /** Read by Janus's own config: a STUN server Janus asks for its public address, host:port. */
    stunServer: env(
      'JANUS_STUN_SERVER',
      z
        .string()
        .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')
        .optional(),
    ),
  }),
  /**
   * STUN/TURN for browsers (issue 31): the URIs handed to every meeting page with a short-lived
   * credential in the TURN REST scheme (media/turn-credentials.ts), signed with the TURN server's secret.
   */
  turn: z.object({
    urls: env(
      'TURN_URLS',
      z
        .string()
        .refine(
          (v) => list(v).every((u) => /^(stun|turns?):[^\s]+$/.test(u)),
          'must be stun:, turn: or turns: URIs, comma-separated',
        )
        .optional(),
    ),
    secret: env('TURN_SECRET', z.string().min(16).optional()),
    // Only a new relay allocation checks it; the page asks again for a later peer connection once it has run out.
    credentialTtlSeconds: env(
      'TURN_CREDENTIAL_TTL_SECONDS',
      z.coerce.number().int().min(300).max(86_400).default(3600),
    ),
  }),
  /** How long a one-time meeting link stays valid. */
  meet: z.object({
    linkTtlSeconds: env(
      'MEET_LINK_TTL_SECONDS',
      z.coerce
        .number()
        .int()
        .min(60)
        .default(4 * 3600),
    ),
    /** Everyone in one meeting room, patient and clinician included (issue 26: interpreter, relative, colleague). */
    maxParticipants: env(
      'VIDEO_MAX_PARTICIPANTS',
      z.coerce.number().int().min(BASE_IN_ROOM).max(MAX_IN_ROOM_LIMIT).default(DEFAULT_MAX_IN_ROOM),
    ),
  }),
  web: z.object({
    host: env('HOST', z.string().default('127.0.0.1')),
    port: env('PORT', port(DEV_PORTS.web)),
    publicUrl: env('PUBLIC_URL', z.string().url().optional()),
  }),
  /** In production `smtpUrl` requires TLS (smtps://, or smtp:// with requireTLS=true). */
  mail: z.object({
    smtpUrl: env(
      'SMTP_URL',
      z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
        .optional(),
    ),
    from: env('MAIL_FROM', z.string().default('Vårdmöte <no-reply@vardmote.local>')),
  }),
  /**
   * The SMS gateway over SMPP 3.4 (issue 27): unset, every SMS is only kept in the Utkorg (`npm start`
   * points it at its test SMS centre). In production smpp:// is refused off this machine (smpps://).
   */
  sms: z.object({
    smppUrl: env(
      'SMPP_URL',
      z
        .string()
        .regex(/^smpps?:\/\/[^:@/]+:[^@/]*@[^/]+$/, 'must be smpp://system_id:password@host:port or smpps://…')
        .optional(),
    ),
    sender: env(
      'SMS_SENDER',
      z
        .string()
        .regex(/^([A-Za-z0-9 .-]{1,11}|\+?\d{1,15})$/, 'at most 11 letters, digits or spaces (or a phone number)')
        .default('Vardmote'),
    ),
  }),
  // The provider's bankgiro and name on every invoice, and the payment terms (docs/finance.md: at least 30 days).
  finance: z.object({
    bankgiro: env(
      'FINANCE_BANKGIRO',
      z
        .string()
        .regex(/^\d{3,4}-\d{4}$/, 'must be a bankgiro number like 5555-5555')
        .optional(),
    ),
    payee: env('FINANCE_PAYEE', z.string().min(2).default('Vårdmöte demo-vårdgivare')),
    dueDays: env(
      'INVOICE_DUE_DAYS',
      z.coerce.number().int().min(30, 'must be at least 30 days (docs/finance.md)').default(30),
    ),
  }),
  /** The accessibility statement (/tillganglighet, DOS-lagen): the mail address it gives for reports, besides its form. */
  accessibility: z.object({
    email: env(
      'ACCESSIBILITY_EMAIL',
      z
        .string()
        .regex(/^[^\s@<>"]+@[^\s@<>".]+(\.[^\s@<>".]+)+$/, 'must be a mail address')
        .optional(),
    ),
  }),
  chromiumPath: env('CHROMIUM_PATH', z.string().default('/usr/bin/chromium')),
  nodeEnv: env('NODE_ENV', z.string().default('development')),
  session: z.object({
    /** Signs the session cookie; required in production (at least 32 characters). */
    secret: env('SESSION_SECRET', z.string().min(32).optional()),
    // Idle limits may be fractions of a minute: a test of the idle timeout need not wait a minute.
    patient: z.object({
      idleMinutes: env('PATIENT_SESSION_IDLE_MINUTES', z.coerce.number().positive().default(15)),
      maxMinutes: env('PATIENT_SESSION_MAX_MINUTES', minutes().default(60)),
    }),
    staff: z.object({
      idleMinutes: env('STAFF_SESSION_IDLE_MINUTES', z.coerce.number().positive().default(30)),
      maxMinutes: env('STAFF_SESSION_MAX_MINUTES', minutes().default(600)),
    }),
  }),
  oidc: z.object({
    /** Patients and guardians: BankID / Freja eID+ through an OIDC broker (Swedish OIDC profile). */
    patient: z.object({
      ...oidcClient('PATIENT', {
        clientId: 'vardmote-patient',
        scope: 'openid profile https://id.oidc.se/scope/naturalPersonNumber',
      }),
      personnummerClaim: env(
        'OIDC_PATIENT_PNR_CLAIM',
        z.string().default('https://id.oidc.se/claim/personalIdentityNumber'),
      ),
    }),
    /** Staff: SITHS eID through the region's IdP, identified by HSA-id. */
    staff: z.object({
      ...oidcClient('STAFF', { clientId: 'vardmote-staff', scope: 'openid profile' }),
      hsaIdClaim: env('OIDC_STAFF_HSA_CLAIM', z.string().default('employeeHsaId')),
    }),
    /** The oldest e-ID / SITHS authentication a login accepts (`max_age`, checked against `auth_time`). */
    maxAgeSeconds: env('OIDC_MAX_AGE_SECONDS', z.coerce.number().int().min(30).max(3600).default(300)),
  }),
  /** Machine clients: OAuth bearer tokens (JWT, RFC 9068) from this issuer (default: the staff IdP) for this audience. */
  apiTokens: z.object({
    issuer: env('API_TOKEN_ISSUER', z.string().url().optional()),
    audience: env('API_TOKEN_AUDIENCE', z.string().default('urn:vardmote:api')),
    /** The machine clients (`client_id` of the token) let in, comma-separated; required in production. */
    clientIds: env('API_TOKEN_CLIENT_IDS', z.string().optional()),
  }),
  /**
   * The RIVTA producer 1177's e-services call (crm:scheduling 1.1): HTTPS with mutual TLS only. Without
   * the three PEM paths it does not start (outside production `npm start` makes a local test CA).
   */
  rivta: z.object({
    host: env('RIVTA_HOST', z.string().default('127.0.0.1')),
    port: env('RIVTA_PORT', port(DEV_PORTS.rivta)),
    certPath: env('RIVTA_TLS_CERT', z.string().optional()),
    keyPath: env('RIVTA_TLS_KEY', z.string().optional()),
    /** The CA of the consumers' certificates (SITHS function certificates in production). */
    caPath: env('RIVTA_TLS_CA', z.string().optional()),
    /** Consumer ids let in (certificate serialNumber or CN), comma-separated; required with the certificates. */
    consumerIds: env('RIVTA_CONSUMER_IDS', z.string().optional()),
  }),
  /**
   * The engagement index our bookings are pushed to (itintegration:engagementindex 1.0 Update over
   * mutual TLS): the national platform in production; unset elsewhere nothing is pushed (`npm start`
   * points it at its local test index).
   */
  engagementIndex: z.object({
    url: env('ENGAGEMENT_INDEX_URL', z.string().url().optional()),
    /** The LogicalAddress header: the organisation number of the index's owner. */
    logicalAddress: env('ENGAGEMENT_INDEX_LOGICAL_ADDRESS', z.string().min(1).optional()),
    /** Our system's HSA-id (sourceSystem of every entry). */
    sourceSystem: env('ENGAGEMENT_INDEX_SOURCE_SYSTEM', z.string().min(1).optional()),
    /** The care provider's organisation number (dataController of every entry). */
    dataController: env('ENGAGEMENT_INDEX_DATA_CONTROLLER', z.string().min(1).optional()),
    /** Our client certificate and key, and the CA of the index's server certificate (PEM paths). */
    certPath: env('ENGAGEMENT_INDEX_TLS_CERT', z.string().optional()),
    keyPath: env('ENGAGEMENT_INDEX_TLS_KEY', z.string().optional()),
    caPath: env('ENGAGEMENT_INDEX_TLS_CA', z.string().optional()),
  }),
  /** The region's EHR as FHIR R4 (issue 25): its base URL and its OAuth2 client-credentials token endpoint. */
  journal: z.object({
    baseUrl: env('FHIR_BASE_URL', z.string().url().optional()),
    tokenUrl: env('FHIR_TOKEN_URL', z.string().url().optional()),
    clientId: env('FHIR_CLIENT_ID', z.string().min(1).optional()),
    clientSecret: env('FHIR_CLIENT_SECRET', z.string().min(1).optional()),
  }),
  /** Requests per minute by route class (api/http/limits.ts). */
  rateLimits: z.object({
    loginPerMinute: env('RATE_LIMIT_LOGIN_PER_MINUTE', perMinute(30)),
    apiPerMinute: env('RATE_LIMIT_API_PER_MINUTE', perMinute(1200)),
    pagePerMinute: env('RATE_LIMIT_PAGE_PER_MINUTE', perMinute(600)),
    anonymousPerMinute: env('RATE_LIMIT_ANONYMOUS_PER_MINUTE', perMinute(120)),
    sinkPerMinute: env('RATE_LIMIT_SINK_PER_MINUTE', perMinute(6000)),
  }),
  logLevel: env('LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** Workflow payload encryption keys, `id:base64,id:base64`, newest first (temporal/codec.ts); required in production. */
  payloadKeys: env('PAYLOAD_KEYS', z.string().optional()),
  /** The Temporal UI's origin, allowed to call the codec endpoint with a sysadmin's session. */
  temporalUiOrigin: env('TEMPORAL_UI_ORIGIN', z.string().url().default(`http://localhost:${DEV_PORTS.temporalUi}`)),
  /** The worker's own /metrics and /readyz (Temporal SDK metrics and step durations). */
  workerMetricsPort: env('WORKER_METRICS_PORT', port(DEV_PORTS.workerMetrics)),
  workerMetricsHost: env('WORKER_METRICS_HOST', z.string().default('127.0.0.1')),
  /** Bearer token for the worker's /metrics; required in production when WORKER_METRICS_HOST is not loopback. */
  workerMetricsToken: env('WORKER_METRICS_TOKEN', z.string().min(16).optional()),
  /** A prebuilt workflow bundle for the worker (faster start than bundling at start). */
  workflowBundle: env('WORKFLOW_BUNDLE', z.string().optional()),
});

export type Settings = z.infer<typeof Settings>;

/** Every environment variable the settings read, in the schema's order. */
export const SETTING_NAMES: readonly string[] = settingsOf(Settings).map((s) => s.name);

/** The configuration every process receives: the settings checked together, with defaults that follow from others. */
const ConfigSchema = Settings.superRefine((s, ctx) =>
  checkSettings(s, {
    refuse: (path, message) => ctx.addIssue({ code: 'custom', path: path.split('.'), message }),
    nameOf: (path) => envNameAt(Settings, path.split('.')),
  }),
).transform(toConfig);

export type Config = z.output<typeof ConfigSchema>;
export type FinanceSettings = Config['finance'];

export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  scope: string;
  acrValues: string[];
  /** Sent as `max_age`; an ID token whose `auth_time` is missing or older is refused. */
  maxAgeSeconds: number;
  /** Where the provider sends the browser back after RP-initiated logout. */
  postLogoutRedirectUrl: string;
}

/**
 * Reads and validates the configuration; lists every problem at once, each naming its variable.
 * @param vars - usually process.env
 */
export function loadConfig(vars: Record<string, string | undefined> = process.env): Config {
  const { input, problems: unread } = inputFrom(Settings, vars);
  const parsed = ConfigSchema.safeParse(input);
  // A setting whose file could not be read is reported once, as that, not again as missing.
  const unreadNames = new Set(unread.map((p) => p.name));
  const problems = [
    ...unread.map((p) => p.message),
    ...(parsed.error?.issues ?? [])
      .map((i) => ({ name: envNameAt(Settings, i.path), message: i.message }))
      .filter((i) => !unreadNames.has(i.name))
      .map((i) => `${i.name}: ${i.message}`),
    ...testSwitchProblems(vars),
  ];
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** The settings as the processes use them: defaults that follow from other settings filled in. */
function toConfig(s: Settings) {
  const production = s.nodeEnv === 'production';
  const publicUrl = publicUrlOf(s);
  const client = (who: 'patient' | 'staff'): OidcClientConfig | undefined => {
    const c = s.oidc[who];
    if (!c.issuer) return undefined;
    return {
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecret: c.clientSecret ?? '',
      redirectUrl: c.redirectUrl ?? `${publicUrl}/auth/callback/${who}`,
      scope: c.scope,
      acrValues: list(c.acr),
      maxAgeSeconds: s.oidc.maxAgeSeconds,
      postLogoutRedirectUrl: `${publicUrl}${POST_LOGOUT_PATH}`,
    };
  };
  const oidc = { patient: client('patient'), staff: client('staff') };
  const tokenIssuer = s.apiTokens.issuer ?? oidc.staff?.issuer;
  const tokenClientIds = list(s.apiTokens.clientIds);
  const { tls } = s.temporal;
  return {
    databaseUrl: s.databaseUrl,
    demo: s.demo,
    temporal: { ...s.temporal, tls: tls.certPath || tls.caPath ? tls : undefined },
    janus: janusConfig(s.janus),
    /** The STUN/TURN URIs for browsers and the secret of their credentials (no URIs: host candidates only). */
    turn: { ...s.turn, urls: list(s.turn.urls) },
    meet: s.meet,
    web: { ...s.web, publicUrl },
    mail: { ...s.mail, smtpUrl: s.mail.smtpUrl && production ? requireSmtpTls(s.mail.smtpUrl) : s.mail.smtpUrl },
    /** The SMS gateway (SMPP_URL), or none: SMS are only kept in the Utkorg. */
    sms: s.sms,
    finance: { ...s.finance, bankgiro: s.finance.bankgiro ?? DEMO_BANKGIRO },
    /** The statement's mail address for reports (none: the statement offers its form only). */
    accessibility: s.accessibility,
    chromiumPath: s.chromiumPath,
    production,
    session: { ...s.session, secret: s.session.secret ?? DEV_SESSION_SECRET },
    oidc,
    /** Claim names: the personnummer (patients) and the HSA-id (staff). */
    claims: { personnummer: s.oidc.patient.personnummerClaim, hsaId: s.oidc.staff.hsaIdClaim },
    /** Bearer tokens: their issuer, audience and the client ids let in. */
    apiTokens: tokenIssuer
      ? {
          issuer: tokenIssuer,
          audience: s.apiTokens.audience,
          clientIds: tokenClientIds.length ? tokenClientIds : TEST_IDP_MACHINE_CLIENT_IDS,
        }
      : undefined,
    rivta: { ...s.rivta, consumerIds: list(s.rivta.consumerIds) },
    /** Where bookings are pushed, or undefined: nothing is (outside production only). */
    engagementIndex: s.engagementIndex.url ? (s.engagementIndex as Required<Settings['engagementIndex']>) : undefined,
    /** Where signed notes go, or undefined: each is for its clinician to enter by hand. */
    journal: s.journal.baseUrl ? (s.journal as Required<Settings['journal']>) : undefined,
    rateLimits: s.rateLimits,
    logLevel: s.logLevel,
    /** Workflow payload keys, newest (encrypting) first. */
    payloadKeys: parsePayloadKeys(s.payloadKeys ?? DEV_PAYLOAD_KEYS),
    temporalUiOrigin: s.temporalUiOrigin,
    workerMetricsPort: s.workerMetricsPort,
    workerMetricsHost: s.workerMetricsHost,
    /** When set, the worker's /metrics answers only `Authorization: Bearer <token>`. */
    workerMetricsToken: s.workerMetricsToken,
    workflowBundle: s.workflowBundle,
  };
}

/** One Janus server: its id (as recorded with each room: its WebSocket URL) and its three addresses. */
export interface JanusServer {
  id: string;
  wsUrl: string;
  adminUrl: string;
  publicWsUrl: string;
}

/** Janus as configured: the first server's addresses at the top (one server: as before), and every server. */
function janusConfig(j: Settings['janus']) {
  const admin = list(j.adminUrl);
  const pub = list(j.publicWsUrl ?? j.wsUrl);
  // config-checks.ts refuses lists of different lengths; the first entry stands in for a missing one.
  const servers: JanusServer[] = list(j.wsUrl).map((wsUrl, i) => ({
    id: wsUrl,
    wsUrl,
    adminUrl: admin[i] ?? admin[0],
    publicWsUrl: pub[i] ?? pub[0],
  }));
  const [first] = servers;
  return { ...j, wsUrl: first.wsUrl, adminUrl: first.adminUrl, publicWsUrl: first.publicWsUrl, servers };
}

/** Temporal connection options from the config (plain, mTLS, or an API key for Temporal Cloud). */
export function temporalConnectionOptions(config: Config) {
  const { address, tls, apiKey } = config.temporal;
  const read = (p?: string) => (p ? fs.readFileSync(p) : undefined);
  return {
    address,
    ...(tls
      ? {
          tls: {
            serverRootCACertificate: read(tls.caPath),
            ...(tls.certPath && tls.keyPath
              ? { clientCertPair: { crt: read(tls.certPath)!, key: read(tls.keyPath)! } }
              : {}),
          },
        }
      : apiKey
        ? { tls: true as const }
        : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}
