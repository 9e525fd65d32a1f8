/**
 * One rate limiter per route class, each counting per caller: logins and anonymous routes by client
 * address, the JSON APIs and pages by the logged-in person (or the address before a login), Janus'
 * event sink by address with room for its event batches. Past the limit: 429, as JSON or a page.
 * The counters live in PostgreSQL (db/rate-limits.ts), so N web replicas allow each limit once.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { RateCounters } from '../../db/rate-limits';
import { principalId } from '../auth';

export const RATE_CLASSES = ['login', 'api', 'page', 'anonymous', 'sink'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];
export type Limiters = Record<RateClass, RequestHandler>;

const byAddress = (req: Request) => `ip:${ipKeyGenerator(req.ip ?? '')}`;
const byCaller = (req: Request) => (req.principal ? principalId(req.principal) : byAddress(req));

/** How often one problem of the limiters is logged while it lasts (a line per request would flood the log). */
const LOG_EVERY_MS = 60_000;

/**
 * The limiters of one app.
 * @param limits - requests per minute by class
 * @param counters - where the hits are counted (shared by every replica on the database)
 * @param logger - where a failing counter store is reported
 */
export function createLimiters(limits: Config['rateLimits'], counters: RateCounters, logger: Logger): Limiters {
  const loggedAt = new Map<string, number>();
  const report = (level: 'warn' | 'error') => (err: unknown, message?: string) => {
    const what = message ?? (err instanceof Error ? err.message : String(err));
    if (performance.now() - (loggedAt.get(what) ?? -Infinity) < LOG_EVERY_MS) return;
    loggedAt.set(what, performance.now());
    logger[level]({ err }, what);
  };
  const make = (
    rateClass: RateClass,
    limit: number,
    key: (req: Request) => string,
    page: { title: string; message: string },
  ) =>
    rateLimit({
      windowMs: 60_000,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: key,
      // The balancer's and the orchestrator's probes: never refused, never counted (every replica's
      // probes come from the proxy's one address and would share, and use up, the anonymous limit).
      skip: (req) => req.path === '/healthz' || req.path === '/readyz',
      store: counters.store(rateClass),
      // Fail open: without the database hardly a route works anyway, and failing closed would also
      // fail /healthz (liveness), so an orchestrator would restart every replica during a database
      // outage. /readyz reports the database down; the limit returns with it.
      passOnStoreError: true,
      logger: { error: report('error'), warn: report('warn') },
      handler: (req, res) => {
        res.status(429);
        if (req.accepts(['json', 'html']) === 'html')
          return void res.render('login/refused', { layout: 'meet', ...page });
        res.json({ error: 'rate-limited', message: 'too many requests; try again in a minute' });
      },
    });
  const wait = { title: 'För många förfrågningar', message: 'Vänta en minut och försök igen.' };
  return {
    login: make('login', limits.loginPerMinute, byAddress, { ...wait, title: 'För många inloggningsförsök' }),
    api: make('api', limits.apiPerMinute, byCaller, wait),
    page: make('page', limits.pagePerMinute, byCaller, wait),
    anonymous: make('anonymous', limits.anonymousPerMinute, byAddress, wait),
    sink: make('sink', limits.sinkPerMinute, byAddress, wait),
  };
}
