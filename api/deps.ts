/** What the web process needs, built once at start-up and passed into `createApp`. */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Orm } from '../db/orm';
import type { IdentityProvider } from './identity/provider';
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
  /** e-ID port; the test provider when absent. */
  identity?: IdentityProvider;
  /** Video rooms (to admit each meeting page's Janus token); from the config when absent. */
  rooms?: VideoRooms;
}
