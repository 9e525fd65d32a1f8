/** The one typed configuration object, read from the environment and validated at start-up. */
import fs from 'node:fs';
import { z } from 'zod';

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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

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
    roomAdminKey: string;
    eventSecret: string;
    required: boolean;
  };
  meet: { linkTtlSeconds: number };
  web: { host: string; port: number; publicUrl: string };
  mail: { smtpUrl?: string; from: string };
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

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
      roomAdminKey: e.JANUS_ROOM_ADMIN_KEY,
      eventSecret: e.JANUS_EVENT_SECRET,
      required: e.JANUS_REQUIRED,
    },
    meet: { linkTtlSeconds: e.MEET_LINK_TTL_SECONDS },
    web: { host: e.HOST, port: e.PORT, publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}` },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    logLevel: e.LOG_LEVEL,
  };
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
