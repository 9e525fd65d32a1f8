/** The Express app on the test services, with the standard probes (tests and benchmarks). */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { App, createApp } from '../api/app';
import { standardProbes } from '../api/health';
import type { HealthProbe } from '../api/deps';
import type { VideoRooms } from '../media/rooms';
import type { TestContext } from './env';

export function testApp(ctx: TestContext, probes?: HealthProbe[], rooms?: VideoRooms): App {
  return createApp({
    config: ctx.config,
    orm: ctx.orm,
    temporal: ctx.client,
    logger: pino({ level: 'silent' }),
    probes: probes ?? standardProbes(ctx.orm, ctx.client, ctx.config),
    rooms,
    // Its own rate-limit counters: a test's low limit is not used up by other tests' requests.
    rateLimitScope: `test-${randomUUID()}`,
  });
}
