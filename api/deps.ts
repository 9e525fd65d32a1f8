/** What the web process needs, built once at start-up and passed into `createApp`. */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import type { RelyingParties } from './identity/routes';
import type { VideoRooms } from '../media/rooms';

export interface HealthProbe {
  name: string;
  required: boolean;
  check(): Promise<string | void>;
}

export interface AppDeps {
  config: Config;
  orm: Orm;
  temporal: Client;
  logger: Logger;
  probes: HealthProbe[];
  /** Prometheus series; built per app when absent. */
  metrics?: import('../observability/metrics').WebMetrics;
  /** OpenID Connect relying parties; built from the config when absent (tests inject tampered ones). */
  relyingParties?: RelyingParties;
  /** Extra declared routes, mounted last like every table's (benchmarks put their baseline route here). */
  extraRoutes?: import('./http/route').RouteDef[];
  /** Video rooms (to admit each meeting page's Janus token); from the config when absent. */
  rooms?: VideoRooms;
  /**
   * Apps with the same scope share their rate-limit counters (through the database). Every replica
   * uses the default; tests give each app its own, as each had its own counters in memory before.
   */
  rateLimitScope?: string;
}
