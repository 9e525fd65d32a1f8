/**
 * One rate limiter per route class, each counting per caller: logins and anonymous routes by client
 * address, the JSON APIs and pages by the logged-in person (or the address before a login), Janus'
 * event sink by address with room for its event batches. Past the limit: 429, as JSON or a page.
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../../config';
import { principalId } from '../auth';

export const RATE_CLASSES = ['login', 'api', 'page', 'anonymous', 'sink'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];
export type Limiters = Record<RateClass, RequestHandler>;

const byAddress = (req: Request) => `ip:${ipKeyGenerator(req.ip ?? '')}`;
const byCaller = (req: Request) => (req.principal ? principalId(req.principal) : byAddress(req));

export function createLimiters(limits: Config['rateLimits']): Limiters {
  const make = (limit: number, key: (req: Request) => string, page: { title: string; message: string }) =>
    rateLimit({
      windowMs: 60_000,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: key,
      handler: (req, res) => {
        res.status(429);
        if (req.accepts(['json', 'html']) === 'html')
          return void res.render('login/refused', { layout: 'meet', ...page });
        res.json({ error: 'rate-limited', message: 'too many requests; try again in a minute' });
      },
    });
  const wait = { title: 'För många förfrågningar', message: 'Vänta en minut och försök igen.' };
  return {
    login: make(limits.loginPerMinute, byAddress, { ...wait, title: 'För många inloggningsförsök' }),
    api: make(limits.apiPerMinute, byCaller, wait),
    page: make(limits.pagePerMinute, byCaller, wait),
    anonymous: make(limits.anonymousPerMinute, byAddress, wait),
    sink: make(limits.sinkPerMinute, byAddress, wait),
  };
}
