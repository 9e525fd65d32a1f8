/** The Express app on the test services, with the standard probes. */
import pino from 'pino';
import { App, createApp } from '../../api/app';
import { standardProbes } from '../../api/health';
import type { HealthProbe } from '../../api/deps';
import type { VideoRooms } from '../../media/rooms';
import { connect, TestContext } from './env';
import { startTestWorker, TestWorker } from './worker';

export function testApp(ctx: TestContext, probes?: HealthProbe[], rooms?: VideoRooms): App {
  return createApp({
    config: ctx.config,
    orm: ctx.orm,
    temporal: ctx.client,
    logger: pino({ level: 'silent' }),
    probes: probes ?? standardProbes(ctx.orm, ctx.client, ctx.config),
    rooms,
  });
}

/**
 * Jest hooks for an API test: connects to the test services, runs a worker in-process and builds the
 * app; the returned object's fields are set by `beforeAll` and read inside the tests.
 */
export function useApiStack(): { ctx: TestContext; worker: TestWorker; app: App } {
  const stack = {} as { ctx: TestContext; worker: TestWorker; app: App };
  beforeAll(async () => {
    stack.ctx = await connect();
    stack.worker = await startTestWorker(stack.ctx);
    stack.app = testApp(stack.ctx, undefined, stack.worker.rooms);
  });
  afterAll(async () => {
    await stack.app?.close();
    await stack.worker?.stop();
    await stack.ctx?.close();
  });
  return stack;
}
