/** Jest hooks for an API test: the test services, an in-process worker and the app. */
import type { App } from '../../api/app';
import type { EngagementIndexDeps } from '../../activities/engagement-index';
import type { JournalPort } from '../../activities/journal';
import { testApp } from '../../testkit/app';
import { connect, TestContext } from '../../testkit/env';
import { startTestWorker, TestWorker } from '../../testkit/worker';

/**
 * Connects to the test services, runs a worker in-process (pushing to `opts.engagementIndex` when
 * given, registered before this) and builds the app; the returned object's
 * fields are set by `beforeAll` and read inside the tests.
 */
export function useApiStack(
  opts: {
    engagementIndex?: () => EngagementIndexDeps['engagementIndex'];
    /** The journal port (default: the worker's in-process test journal; null: none configured). */
    journal?: () => JournalPort | null;
  } = {},
): {
  ctx: TestContext;
  worker: TestWorker;
  app: App;
} {
  const stack = {} as { ctx: TestContext; worker: TestWorker; app: App };
  beforeAll(async () => {
    stack.ctx = await connect();
    stack.worker = await startTestWorker(stack.ctx, {
      engagementIndex: opts.engagementIndex?.(),
      ...(opts.journal ? { journal: opts.journal() } : {}),
    });
    stack.app = testApp(stack.ctx, undefined, stack.worker.rooms);
  });
  afterAll(async () => {
    await stack.app?.close();
    await stack.worker?.stop();
    await stack.ctx?.close();
  });
  return stack;
}
