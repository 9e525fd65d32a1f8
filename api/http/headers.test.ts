import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { onceForAll } from './headers';

/** Two apps, helmet per request and helmet's headers replayed: the same headers, in the same order. */
const appWith = (mw: express.RequestHandler) => {
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('x-powered-by', 'x');
    next();
  });
  app.use(mw);
  app.get('/', (_req, res) => void res.json({ ok: true }));
  return app;
};
const headersOf = (res: request.Response) =>
  Object.entries(res.headers).filter(
    ([k]) => !['date', 'etag', 'content-length', 'connection', 'keep-alive'].includes(k),
  );

describe('onceForAll', () => {
  it("replays helmet's headers as helmet sets them per request, removals too", async () => {
    const options = { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } } };
    const direct = await request(appWith(helmet(options)))
      .get('/')
      .expect(200);
    const replayed = await request(appWith(onceForAll(helmet(options))))
      .get('/')
      .expect(200);
    expect(headersOf(replayed)).toEqual(headersOf(direct));
    expect(replayed.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(replayed.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses, at start, a middleware whose headers could depend on the request', () => {
    const perRequest: express.RequestHandler = (req, res, next) => {
      res.setHeader('x-host', req.hostname);
      next();
    };
    expect(() => onceForAll(perRequest)).toThrow(/read req.hostname/);
  });

  it('refuses, at start, a middleware that does not answer at once', () => {
    expect(() => onceForAll((_req, _res, next) => void setTimeout(next, 1))).toThrow(/did not call next at once/);
  });
});
