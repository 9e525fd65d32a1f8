/** The one typed configuration object, read from the environment and validated at start-up. */
import fs from 'node:fs';
import { z } from 'zod';
import { requireSmtpTls, smtpClearTextProblem } from './activities/mail/smtp-url';
import { DEV_PAYLOAD_KEYS, parsePayloadKeys, type PayloadKey } from './temporal/codec';

export const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';
export const LOA4 = 'http://id.elegnamnden.se/loa/1.0/loa4';
const DEV_SESSION_SECRET = 'dev-session-secret-for-this-laptop-only';
/** The embedded test provider's machine clients: the bearer-token allow-list outside production. */
export const TEST_IDP_MACHINE_CLIENT_IDS = ['vardmote-machine'];

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vardmote'),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_TLS_CA: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  JANUS_WS_URL: z
    .string()
    .regex(/^wss?:\/\//)
    .default('ws://127.0.0.1:8188'),
  JANUS_ADMIN_URL: z
    .string()
    .regex(/^wss?:\/\//)
    .default('ws://127.0.0.1:7188'),
  JANUS_ADMIN_SECRET: z.string().min(8).default('dev-janus-admin-secret'),
  /** Janus' api_secret: the server's own WebSocket sessions carry it (browsers carry a per-page token instead). */
  JANUS_API_SECRET: z.string().min(16).optional(),
  JANUS_ROOM_ADMIN_KEY: z.string().min(8).default('dev-janus-room-admin-key'),
  JANUS_EVENT_SECRET: z.string().min(8).default('dev-janus-event-secret'),
  JANUS_REQUIRED: bool.default(true),
  /** The Janus WebSocket URL browsers use (behind a TLS proxy in production); defaults to JANUS_WS_URL. */
  JANUS_PUBLIC_WS_URL: z
    .string()
    .regex(/^wss?:\/\//)
    .optional(),
  /** How long a one-time meeting link stays valid. */
  MEET_LINK_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(4 * 3600),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//)
    .optional(),
  MAIL_FROM: z.string().default('Vårdmöte <no-reply@vardmote.local>'),
  // Finance: the provider's bankgiro and name on every invoice, and the payment terms (RULES.md §2: ≥ 30 days).
  FINANCE_BANKGIRO: z
    .string()
    .regex(/^\d{3,4}-\d{4}$/, 'must be a bankgiro number like 5555-5555')
    .optional(),
  FINANCE_PAYEE: z.string().min(2).default('Vårdmöte demo-vårdgivare'),
  INVOICE_DUE_DAYS: z.coerce.number().int().min(30, 'must be at least 30 days (RULES.md §2)').default(30),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  NODE_ENV: z.string().default('development'),
  /** Signs the session cookie; required in production (at least 32 characters). */
  SESSION_SECRET: z.string().min(32).optional(),
  // Idle limits may be fractions of a minute: a test of the idle timeout need not wait a minute.
  PATIENT_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(15),
  PATIENT_SESSION_MAX_MINUTES: z.coerce.number().int().min(1).default(60),
  STAFF_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  STAFF_SESSION_MAX_MINUTES: z.coerce.number().int().min(1).default(600),
  /** Patients and guardians: BankID / Freja eID+ through an OIDC broker (Swedish OIDC profile). */
  OIDC_PATIENT_ISSUER: z.string().url().optional(),
  OIDC_PATIENT_CLIENT_ID: z.string().min(1).default('vardmote-patient'),
  OIDC_PATIENT_CLIENT_SECRET: z.string().min(16).optional(),
  OIDC_PATIENT_REDIRECT_URL: z.string().url().optional(),
  OIDC_PATIENT_SCOPE: z.string().default('openid profile https://id.oidc.se/scope/naturalPersonNumber'),
  OIDC_PATIENT_ACR: z.string().default(`${LOA3},${LOA4}`),
  OIDC_PATIENT_PNR_CLAIM: z.string().default('https://id.oidc.se/claim/personalIdentityNumber'),
  /** Staff: SITHS eID through the region's IdP, identified by HSA-id. */
  OIDC_STAFF_ISSUER: z.string().url().optional(),
  OIDC_STAFF_CLIENT_ID: z.string().min(1).default('vardmote-staff'),
  OIDC_STAFF_CLIENT_SECRET: z.string().min(16).optional(),
  OIDC_STAFF_REDIRECT_URL: z.string().url().optional(),
  OIDC_STAFF_SCOPE: z.string().default('openid profile'),
  OIDC_STAFF_ACR: z.string().default(`${LOA3},${LOA4}`),
  OIDC_STAFF_HSA_CLAIM: z.string().default('employeeHsaId'),
  /** The oldest e-ID / SITHS authentication a login accepts (`max_age`, checked against `auth_time`). */
  OIDC_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Machine clients: OAuth bearer tokens (JWT, RFC 9068) from this issuer for this audience. */
  API_TOKEN_ISSUER: z.string().url().optional(),
  API_TOKEN_AUDIENCE: z.string().default('urn:vardmote:api'),
  /** The machine clients (`client_id` of the token) let in, comma-separated; required in production. */
  API_TOKEN_CLIENT_IDS: z.string().optional(),
  /** Requests per minute: login per client address; the API per caller. */
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_PAGE_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_SINK_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** Lets POST /api/encounters carry short timer policies: for tests only, refused in production. */
  ALLOW_POLICY_OVERRIDE: bool.default(false),
  /** Workflow payload encryption keys, `id:base64,id:base64`, newest first (temporal/codec.ts); required in production. */
  PAYLOAD_KEYS: z.string().optional(),
  /** The Temporal UI's origin, allowed to call the codec endpoint with a sysadmin's session. */
  TEMPORAL_UI_ORIGIN: z.string().url().default('http://localhost:8233'),
  /** The worker's own /metrics and /readyz (Temporal SDK metrics and step durations). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  /** Bearer token for the worker's /metrics; required in production when WORKER_METRICS_HOST is not loopback. */
  WORKER_METRICS_TOKEN: z.string().min(16).optional(),
  /** A prebuilt workflow bundle for the worker (faster start than bundling at start). */
  WORKFLOW_BUNDLE: z.string().optional(),
  /** Test-only fault injection in the worker; refused in production. */
  VARDMOTE_FAULT: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

/** Settings that are secrets: in production none may keep an example or development value. */
const SECRETS = [
  'SESSION_SECRET',
  'JANUS_ADMIN_SECRET',
  'JANUS_API_SECRET',
  'WORKER_METRICS_TOKEN',
  'JANUS_ROOM_ADMIN_KEY',
  'JANUS_EVENT_SECRET',
  'OIDC_PATIENT_CLIENT_SECRET',
  'OIDC_STAFF_CLIENT_SECRET',
] as const;

/** Bankgirot's own example number; outside production only. */
export const DEMO_BANKGIRO = '5555-5555';

export interface FinanceSettings {
  bankgiro: string;
  payee: string;
  dueDays: number;
}

export interface Config {
  databaseUrl: string;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tls?: { certPath?: string; keyPath?: string; caPath?: string };
    apiKey?: string;
  };
  janus: {
    wsUrl: string;
    publicWsUrl: string;
    adminUrl: string;
    adminSecret: string;
    /** Janus' api_secret for the server's own sessions; absent where Janus is not ours (or not running). */
    apiSecret?: string;
    roomAdminKey: string;
    eventSecret: string;
    required: boolean;
  };
  meet: { linkTtlSeconds: number };
  web: { host: string; port: number; publicUrl: string };
  /** In production `smtpUrl` requires TLS (smtps://, or smtp:// with requireTLS=true). */
  mail: { smtpUrl?: string; from: string };
  finance: FinanceSettings;
  chromiumPath: string;
  production: boolean;
  session: {
    secret: string;
    patient: { idleMinutes: number; maxMinutes: number };
    staff: { idleMinutes: number; maxMinutes: number };
  };
  oidc: { patient?: OidcClientConfig; staff?: OidcClientConfig };
  /** Claim names: the personnummer (patients) and the HSA-id (staff). */
  claims: { personnummer: string; hsaId: string };
  /** Bearer tokens: their issuer, audience and the client ids let in. */
  apiTokens?: { issuer: string; audience: string; clientIds: string[] };
  /** Requests per minute by route class (api/http/limits.ts). */
  rateLimits: {
    loginPerMinute: number;
    apiPerMinute: number;
    pagePerMinute: number;
    anonymousPerMinute: number;
    sinkPerMinute: number;
  };
  allowPolicyOverride: boolean;
  logLevel: Env['LOG_LEVEL'];
  /** Workflow payload keys, newest (encrypting) first. */
  payloadKeys: PayloadKey[];
  temporalUiOrigin: string;
  workerMetricsPort: number;
  workerMetricsHost: string;
  /** When set, the worker's /metrics answers only `Authorization: Bearer <token>`. */
  workerMetricsToken?: string;
  fault?: string;
  workflowBundle?: string;
}

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

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Where both providers send the browser back after logout (registered there as post-logout redirect URI). */
export const POST_LOGOUT_PATH = '/login?utloggad=1';

const list = (v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Reads and validates the configuration; lists every problem at once.
 * @param env - usually process.env
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  const problems: string[] = [];
  const oidcClient = (who: 'PATIENT' | 'STAFF'): OidcClientConfig | undefined => {
    const issuer = e[`OIDC_${who}_ISSUER`];
    if (!issuer) {
      if (production) problems.push(`OIDC_${who}_ISSUER: required in production`);
      return undefined;
    }
    const secret = e[`OIDC_${who}_CLIENT_SECRET`];
    if (!secret) problems.push(`OIDC_${who}_CLIENT_SECRET: required with OIDC_${who}_ISSUER`);
    const path = who === 'PATIENT' ? 'patient' : 'staff';
    return {
      issuer,
      clientId: e[`OIDC_${who}_CLIENT_ID`],
      clientSecret: secret ?? '',
      redirectUrl: e[`OIDC_${who}_REDIRECT_URL`] ?? `${publicUrl}/auth/callback/${path}`,
      scope: e[`OIDC_${who}_SCOPE`],
      acrValues: list(e[`OIDC_${who}_ACR`]),
      maxAgeSeconds: e.OIDC_MAX_AGE_SECONDS,
      postLogoutRedirectUrl: `${publicUrl}${POST_LOGOUT_PATH}`,
    };
  };
  const oidc = { patient: oidcClient('PATIENT'), staff: oidcClient('STAFF') };
  const tokenClientIds = list(e.API_TOKEN_CLIENT_IDS ?? '');
  let payloadKeys: PayloadKey[] = [];
  try {
    payloadKeys = parsePayloadKeys(e.PAYLOAD_KEYS ?? DEV_PAYLOAD_KEYS);
  } catch (err) {
    problems.push(`PAYLOAD_KEYS: ${(err as Error).message}`);
  }
  if (production) {
    if (!e.PAYLOAD_KEYS || e.PAYLOAD_KEYS.startsWith('change-me') || payloadKeys.some((k) => k.id === 'dev'))
      problems.push(
        'PAYLOAD_KEYS: required in production, without the development key "dev" (id:base64 of 32 random bytes)',
      );
    if (!publicUrl.startsWith('https://'))
      problems.push(`PUBLIC_URL: must be an https:// URL in production, not ${publicUrl}`);
    if (!(e.JANUS_PUBLIC_WS_URL ?? e.JANUS_WS_URL).startsWith('wss://'))
      problems.push('JANUS_PUBLIC_WS_URL: browsers need a wss:// URL in production');
    for (const k of ['OIDC_PATIENT_ISSUER', 'OIDC_STAFF_ISSUER', 'API_TOKEN_ISSUER'] as const) {
      const issuer = e[k];
      if (issuer && (!issuer.startsWith('https://') || /^https?:\/\/(localhost|127\.|\[::1\])/.test(issuer)))
        problems.push(
          `${k}: ${issuer} looks like the test identity provider (plain http or this machine); production needs the real e-ID / SITHS provider over https`,
        );
    }
    if (e.DATABASE_URL.includes('://postgres:postgres@'))
      problems.push('DATABASE_URL: the embedded development password never runs in production');
    for (const k of SECRETS)
      if (e[k]?.startsWith('change-me')) problems.push(`${k}: still the example value from .env.example`);
    if (e.VARDMOTE_FAULT) problems.push('VARDMOTE_FAULT: fault injection is for tests only, never in production');
    if (!e.SESSION_SECRET || e.SESSION_SECRET === DEV_SESSION_SECRET)
      problems.push('SESSION_SECRET: required in production (32+ random characters)');
    for (const k of ['JANUS_ADMIN_SECRET', 'JANUS_ROOM_ADMIN_KEY', 'JANUS_EVENT_SECRET', 'JANUS_API_SECRET'] as const)
      if (e[k]?.startsWith('dev-')) problems.push(`${k}: the development default never runs in production`);
    if (e.ALLOW_POLICY_OVERRIDE) problems.push('ALLOW_POLICY_OVERRIDE: for tests only, never in production');
    if (!tokenClientIds.length)
      problems.push('API_TOKEN_CLIENT_IDS: required in production (the client ids of the machine clients let in)');
    if (!e.FINANCE_BANKGIRO) problems.push("FINANCE_BANKGIRO: set the provider's bankgiro number for invoices");
    const smtpProblem = e.SMTP_URL ? smtpClearTextProblem(e.SMTP_URL) : null;
    if (smtpProblem) problems.push(`SMTP_URL: ${smtpProblem}; production sends mail over TLS only`);
    if (!e.JANUS_API_SECRET)
      problems.push("JANUS_API_SECRET: required in production (Janus' api_secret, 16+ random characters)");
    if (!isLoopback(e.WORKER_METRICS_HOST) && !e.WORKER_METRICS_TOKEN)
      problems.push(
        `WORKER_METRICS_TOKEN: required in production when the worker's metrics listen on ${e.WORKER_METRICS_HOST} (not loopback)`,
      );
  }
  if (problems.length) throw new ConfigError(problems);
  const tokenIssuer = e.API_TOKEN_ISSUER ?? oidc.staff?.issuer;
  const tls =
    e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA
      ? { certPath: e.TEMPORAL_TLS_CERT, keyPath: e.TEMPORAL_TLS_KEY, caPath: e.TEMPORAL_TLS_CA }
      : undefined;
  return {
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls,
      apiKey: e.TEMPORAL_API_KEY,
    },
    janus: {
      wsUrl: e.JANUS_WS_URL,
      publicWsUrl: e.JANUS_PUBLIC_WS_URL ?? e.JANUS_WS_URL,
      adminUrl: e.JANUS_ADMIN_URL,
      adminSecret: e.JANUS_ADMIN_SECRET,
      apiSecret: e.JANUS_API_SECRET,
      roomAdminKey: e.JANUS_ROOM_ADMIN_KEY,
      eventSecret: e.JANUS_EVENT_SECRET,
      required: e.JANUS_REQUIRED,
    },
    meet: { linkTtlSeconds: e.MEET_LINK_TTL_SECONDS },
    web: { host: e.HOST, port: e.PORT, publicUrl },
    mail: { smtpUrl: e.SMTP_URL && production ? requireSmtpTls(e.SMTP_URL) : e.SMTP_URL, from: e.MAIL_FROM },
    finance: { bankgiro: e.FINANCE_BANKGIRO ?? DEMO_BANKGIRO, payee: e.FINANCE_PAYEE, dueDays: e.INVOICE_DUE_DAYS },
    chromiumPath: e.CHROMIUM_PATH,
    production,
    session: {
      secret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
      patient: { idleMinutes: e.PATIENT_SESSION_IDLE_MINUTES, maxMinutes: e.PATIENT_SESSION_MAX_MINUTES },
      staff: { idleMinutes: e.STAFF_SESSION_IDLE_MINUTES, maxMinutes: e.STAFF_SESSION_MAX_MINUTES },
    },
    oidc,
    claims: { personnummer: e.OIDC_PATIENT_PNR_CLAIM, hsaId: e.OIDC_STAFF_HSA_CLAIM },
    apiTokens: tokenIssuer
      ? {
          issuer: tokenIssuer,
          audience: e.API_TOKEN_AUDIENCE,
          clientIds: tokenClientIds.length ? tokenClientIds : TEST_IDP_MACHINE_CLIENT_IDS,
        }
      : undefined,
    rateLimits: {
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      apiPerMinute: e.RATE_LIMIT_API_PER_MINUTE,
      pagePerMinute: e.RATE_LIMIT_PAGE_PER_MINUTE,
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      sinkPerMinute: e.RATE_LIMIT_SINK_PER_MINUTE,
    },
    allowPolicyOverride: e.ALLOW_POLICY_OVERRIDE,
    logLevel: e.LOG_LEVEL,
    payloadKeys,
    temporalUiOrigin: e.TEMPORAL_UI_ORIGIN,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerMetricsHost: e.WORKER_METRICS_HOST,
    workerMetricsToken: e.WORKER_METRICS_TOKEN,
    fault: e.VARDMOTE_FAULT,
    workflowBundle: e.WORKFLOW_BUNDLE,
  };
}

/** 127.0.0.1, ::1 or localhost: reachable from this machine only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
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
