/**
 * Security headers that are the same for every response (helmet's, configured without nonces or
 * per-request functions): helmet sets them once, at start, on a stand-in response; every response then
 * gets that list in one step instead of through helmet's chain of a dozen middlewares (bench:api).
 */
import type { Request, RequestHandler, Response } from 'express';

/**
 * The headers a header-only middleware sets, replayed on every response.
 * @param middleware - sets or removes headers and calls `next` at once, whatever the request (helmet)
 */
export function onceForAll(middleware: RequestHandler): RequestHandler {
  const set: Array<[string, string | string[]]> = [];
  const removed: string[] = [];
  let called = false;
  const writes: Record<string, unknown> = {
    setHeader: (name: string, value: string | string[]) => void set.push([name, value]),
    removeHeader: (name: string) => void removed.push(name),
  };
  // A middleware that reads anything of the request or response might set other headers on another one.
  const refuse = (what: string, allowed: Record<string, unknown> = {}) =>
    new Proxy(allowed, {
      get: (target, prop) => {
        if (Object.hasOwn(target, prop)) return target[prop as string];
        throw new Error(`onceForAll: the middleware read ${what}.${String(prop)}; its headers may differ per request`);
      },
    });
  void middleware(
    refuse('req') as unknown as Request,
    refuse('res', writes) as unknown as Response,
    (err?: unknown) => {
      if (err) throw err;
      called = true;
    },
  );
  // A middleware that reads the request or answers later cannot be replayed: refuse it at start.
  if (!called) throw new Error('onceForAll: the middleware did not call next at once');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
