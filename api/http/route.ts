/**
 * Declared routes. Each area of api/ lists its routes in one table, one line each: method, path, the
 * guard (who may call it and what scope the call gets), and a thin handler. `mount()` turns a table
 * into Express routers (one per first path segment): the route class's rate limit, then the guard, then (only for an admitted
 * caller) the body parser the route asks for, then the handler with the scope the guard decided.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { allow, type Grantee } from './access';
import type { Limiters, RateClass } from './limits';

/** Who may call a route, and the scope of an admitted call (the encounter and actor, the caller's units …). */
export interface Guard<S> {
  readonly grantees: readonly Grantee[];
  /** Decides the scope after `allow` admitted the role; throws 404/403 (and logs the refusal) otherwise. */
  scope(req: Request): Promise<S> | S;
}

export type Handler<S> = (req: Request, res: Response, scope: S) => unknown;

export interface RouteDef {
  method: 'get' | 'post' | 'delete' | 'options';
  path: string;
  guard: Guard<unknown>;
  handler: Handler<unknown>;
  /** Reads the body, after the guard: uploads and the Janus sink parse only for admitted callers. */
  body?: RequestHandler;
  /** The limiter that counts the call (default: from the path and the guard, see `rateClassOf`). */
  rate?: RateClass;
}

type Extra = Pick<RouteDef, 'body' | 'rate'>;
const def =
  (method: RouteDef['method']) =>
  <S>(path: string, guard: Guard<S>, handler: Handler<S>, extra: Extra = {}): RouteDef => ({
    method,
    path,
    guard: guard as Guard<unknown>,
    handler: handler as Handler<unknown>,
    ...extra,
  });

export const get = def('get');
export const post = def('post');
export const del = def('delete');
export const options = def('options');

/** The limiter a route counts against: logins, the JSON APIs, anonymous routes by address, pages by session. */
export function rateClassOf(r: Pick<RouteDef, 'path' | 'guard' | 'rate'>): RateClass {
  if (r.rate) return r.rate;
  if (r.path.startsWith('/login/') || r.path.startsWith('/auth/')) return 'login';
  if (r.path.startsWith('/api/') || r.path.startsWith('/meet/api/') || r.path.startsWith('/codec/')) return 'api';
  if (r.guard.grantees.includes('anyone')) return 'anonymous';
  return 'page';
}

const SCOPE = Symbol('route scope');
type Scoped = Request & { [SCOPE]?: unknown };

/** A path's first segment as Express matches it (case-insensitively): `/admin/encounters/:id` → `admin`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/**
 * The routes of a table, one router per first path segment, each in the table's order (a literal path
 * such as '/admin/encounters/new' before '/:id'). Express tries a router's routes one by one; with one
 * router for the whole app a request to the last table walked every route before its own (bench:api).
 * The returned handler's `stack` lists every route, for `routeTable()`.
 */
export function mount(table: readonly RouteDef[], limiters: Limiters): RequestHandler & { stack: unknown[] } {
  const routers = new Map<string, Router>();
  for (const r of table) {
    const segment = firstSegment(r.path);
    if (/[:*?(){}\\]/.test(segment)) throw new Error(`${r.path}: a route's first segment must be literal`);
    let router = routers.get(segment);
    if (!router) routers.set(segment, (router = Router()));
    const decide: RequestHandler = async (req, _res, next) => {
      (req as Scoped)[SCOPE] = await r.guard.scope(req);
      next();
    };
    const handle: RequestHandler = async (req, res) => {
      await r.handler(req, res, (req as Scoped)[SCOPE]);
    };
    router[r.method](
      r.path,
      limiters[rateClassOf(r)],
      allow(...r.guard.grantees),
      decide,
      ...(r.body ? [r.body] : []),
      handle,
    );
  }
  const dispatch: RequestHandler = (req, res, next) => {
    const router = routers.get(firstSegment(req.path));
    if (router) router(req, res, next);
    else next();
  };
  return Object.assign(dispatch, { stack: [...routers.values()].flatMap((r) => r.stack) });
}
