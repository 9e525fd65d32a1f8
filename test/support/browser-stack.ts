/**
 * Jest hooks for browser tests: the web app listening where Janus' event handler posts and the login
 * redirects return (scripts/with-services.ts), a worker with real Janus rooms, and Chromium. Each
 * test's pages close with it.
 */
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { createJanusRooms } from '../../media/janus-rooms';
import { janusRoomsOptions } from '../../media/room-service';
import { testApp } from '../../testkit/app';
import { launchChromium } from '../../testkit/browser';
import { connect, freshDatabase, TestContext } from '../../testkit/env';
import { startTestWorker, TestWorker } from '../../testkit/worker';
import { testPorts } from '../../scripts/ports';
import { routeTable } from '../../api/http/access';
import type { JournalPort } from '../../activities/journal';
import type { SmsGateway } from '../../activities/sms/gateway';

export const PORT = Number(process.env.TEST_WEB_PORT ?? testPorts().web);
export const BASE = `http://127.0.0.1:${PORT}`;

export interface BrowserStack {
  ctx: TestContext;
  worker: TestWorker;
  app: ReturnType<typeof testApp>;
  browser: Browser;
  rooms: ReturnType<typeof createJanusRooms>;
}

/**
 * @param prepare - runs once the database is reachable, before the worker starts (e.g. demo data)
 * @param opts - `freshDatabase`: the stack on a new, empty database of its own (as a first start);
 *   `journal`: the worker's journal port (default: its in-process test journal); `sms`: the worker's SMS
 *   gateway (default: one that keeps what it sends)
 */
export function useBrowserStack(
  prepare?: (ctx: TestContext) => Promise<unknown>,
  opts: { freshDatabase?: boolean; journal?: () => JournalPort; sms?: () => SmsGateway } = {},
): BrowserStack {
  const stack = {} as BrowserStack;
  let server: Server | undefined;
  beforeAll(async () => {
    const database: Record<string, string> = opts.freshDatabase ? { DATABASE_URL: await freshDatabase() } : {};
    stack.ctx = await connect({ PORT: String(PORT), PUBLIC_URL: BASE, ...database });
    await prepare?.(stack.ctx);
    stack.rooms = createJanusRooms(janusRoomsOptions(stack.ctx.config));
    stack.worker = await startTestWorker(stack.ctx, {
      rooms: stack.rooms,
      ...(opts.journal ? { journal: opts.journal() } : {}),
      ...(opts.sms ? { sms: opts.sms() } : {}),
    });
    stack.app = testApp(stack.ctx);
    server = await new Promise<Server>((resolve) => {
      const s = stack.app.listen(PORT, '127.0.0.1', () => resolve(s));
    });
    stack.browser = await launchChromium();
  });
  afterEach(async () => {
    // No page keeps talking to Janus or polling during the next test.
    for (const context of stack.browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await stack.browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    await stack.app?.close();
    await stack.worker?.stop();
    await stack.ctx?.close();
  });
  return stack;
}

/** The back office's pages: every GET route under /admin that renders one (no CSV, live poll, event stream or PDF). */
export const backOfficePages = (app: Parameters<typeof routeTable>[0]) =>
  routeTable(app).filter(
    (r) =>
      r.method === 'GET' &&
      r.path.startsWith('/admin') &&
      !r.path.endsWith('.csv') &&
      !r.path.endsWith('/live') &&
      !r.path.endsWith('/events') &&
      !r.path.endsWith('/pdf'),
  );

/** The record each back-office page with an `:id` is opened on, and the patient of the log extract. */
export interface BackOfficeIds {
  encounter: string;
  thread: string;
  deviation: string;
  invoice: string;
  import: string;
  patient: string;
}

/** Each back-office page as a URL to open, with who may see it. */
export const backOfficeUrls = (app: Parameters<typeof routeTable>[0], ids: BackOfficeIds) =>
  backOfficePages(app).map((r) => {
    const id = r.path.startsWith('/admin/meddelanden')
      ? ids.thread
      : r.path.startsWith('/admin/deviations')
        ? ids.deviation
        : r.path.startsWith('/admin/ekonomi/fakturor')
          ? ids.invoice
          : r.path.startsWith('/admin/ekonomi/inlasningar')
            ? ids.import
            : ids.encounter;
    const query = r.path === '/admin/logs/extract' ? `?patientId=${ids.patient}` : '';
    return { route: r.path, grantees: r.grantees ?? [], url: r.path.replace(':id', id) + query };
  });
