/**
 * The one authorization layer. Every route names who may call it with `allow(…)`; a route without
 * it does not start (see `assertEveryRouteAllows`). Which patients and units a caller may touch is
 * decided here too, so routes ask one question: may this caller act on this encounter?
 */
import type { Express, Request, RequestHandler } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { StaffRoleName } from '../../db/entities';
import { actablePatients } from '../../db/people';
import { stockholmDateOf } from '../../domain/dates';
import type { Actor } from '../../workflows/encounter.messages';
import type { Principal } from '../auth';
import { logAccess } from './audit';
import { HttpError } from './errors';

export const API_SCOPES = ['encounters:read', 'encounters:write', 'participants', 'finance:import', 'metrics'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Who a route admits: a staff role, a patient or guardian, a machine client's scope, or anyone. */
export type Grantee = StaffRoleName | 'patient' | `scope:${ApiScope}` | 'anyone';

const RULE = Symbol('access rule');
type Guard = RequestHandler & { [RULE]: readonly Grantee[] };

/** True for JSON routes (401/403 as JSON); pages redirect to login and show a Swedish 403 page. */
export const isApiRequest = (req: Request) =>
  req.path.startsWith('/api/') ||
  req.path.startsWith('/meet/api/') ||
  req.path.startsWith('/codec/') ||
  req.path === '/metrics';

/** Does the principal hold one of the grantees (before any unit or patient check)? */
export function permits(p: Principal, grantees: readonly Grantee[]): boolean {
  if (p.kind === 'staff') return p.grants.some((g) => grantees.includes(g.role));
  if (p.kind === 'person') return grantees.includes('patient');
  return p.scopes.some((s) => grantees.includes(`scope:${s}` as Grantee));
}

/**
 * The route's rule: anonymous callers get 401 (pages: a redirect to login), callers without one of
 * the grantees 403, logged as refused.
 */
export function allow(...grantees: Grantee[]): RequestHandler {
  const guard = (async (req, res, next) => {
    if (grantees.includes('anyone')) return next();
    const p = req.principal;
    if (!p) {
      if (!isApiRequest(req) && req.method === 'GET')
        return res.redirect(`/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
      throw new HttpError(401, 'log in first: a session or a bearer token is required', undefined, 'unauthenticated');
    }
    if (permits(p, grantees)) return next();
    await logAccess(req, {
      action: 'access',
      target: `${req.method} ${req.route?.path ?? req.path}`,
      outcome: 'refused',
    });
    throw new HttpError(403, 'Du har inte behörighet till detta.', undefined, 'forbidden');
  }) as Guard;
  guard[RULE] = grantees;
  return guard;
}

export interface RouteEntry {
  method: string;
  path: string;
  grantees: readonly Grantee[];
}

/** Every route of the app with its grantees (null: the route has no `allow`). */
export function routeTable(
  app: Express,
): Array<Omit<RouteEntry, 'grantees'> & { grantees: readonly Grantee[] | null }> {
  const out: Array<Omit<RouteEntry, 'grantees'> & { grantees: readonly Grantee[] | null }> = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as Array<{
      route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
      handle?: { stack?: unknown[] };
    }>) {
      if (layer.route) {
        const guard = layer.route.stack.map((l) => l.handle as Partial<Guard>).find((h) => h[RULE]);
        for (const method of Object.keys(layer.route.methods))
          out.push({ method: method.toUpperCase(), path: layer.route.path, grantees: guard?.[RULE] ?? null });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack);
  return out;
}

/** Deny by default: the app refuses to start with a route that does not say who may call it. */
export function assertEveryRouteAllows(app: Express): void {
  const open = routeTable(app).filter((r) => r.grantees === null);
  if (open.length) throw new Error(`routes without allow(…): ${open.map((r) => `${r.method} ${r.path}`).join(', ')}`);
}

/** Units where the staff member holds one of the roles; null means every unit. */
export function unitsFor(p: Principal, roles: readonly StaffRoleName[]): string[] | null {
  if (p.kind !== 'staff') return null;
  const grants = p.grants.filter((g) => roles.includes(g.role));
  if (grants.some((g) => g.careUnitId === null)) return null;
  return grants.map((g) => g.careUnitId!);
}

/** Does the staff member hold this role in this unit (or in every unit)? */
export const holdsIn = (p: Principal, role: StaffRoleName, careUnitId: string): boolean =>
  p.kind === 'staff' && p.grants.some((g) => g.role === role && (g.careUnitId === null || g.careUnitId === careUnitId));

/** The patients a caller may see: null for staff and machines (they are limited by unit instead). */
export async function patientsFor(
  em: EntityManager,
  p: Principal,
): Promise<Array<{ patientId: string; actingAs: 'self' | 'guardian' }> | null> {
  if (p.kind !== 'person') return null;
  return actablePatients(em, p.personnummer, stockholmDateOf(new Date()));
}

/**
 * May the caller act on this encounter, in one of these roles? Answers with the workflow actor, or
 * throws 404 (a patient learns nothing about others' encounters) or 403 (staff outside their units).
 */
export async function actorForEncounter(
  req: Request,
  encounter: { id: string; patientId: string; careUnitId: string },
  roles: readonly Grantee[],
): Promise<Actor> {
  const p = req.principal!;
  if (p.kind === 'machine') return { id: `client:${p.clientId}`, role: 'system' };
  if (p.kind === 'person') {
    const mine = (await patientsFor(req.em, p))!.find((a) => a.patientId === encounter.patientId);
    if (!mine) throw new HttpError(404, 'encounter not found', undefined, 'not-found');
    return {
      id: mine.actingAs === 'self' ? encounter.patientId : `guardian-of:${encounter.patientId}`,
      role: mine.actingAs === 'self' ? 'patient' : 'guardian',
      name: p.name,
    };
  }
  const staffRoles = roles.filter(
    (r): r is StaffRoleName => r !== 'patient' && r !== 'anyone' && !r.startsWith('scope:'),
  );
  const inUnit = p.grants.filter(
    (g) => staffRoles.includes(g.role) && (g.careUnitId === null || g.careUnitId === encounter.careUnitId),
  );
  if (!inUnit.length)
    throw new HttpError(403, 'Vårdmötet hör till en enhet där du inte har behörighet.', undefined, 'forbidden');
  // A clinician acts as the bookable clinician (the workflow checks it is the booked one).
  if (inUnit.some((g) => g.role === 'clinician') && p.clinicianId && !inUnit.some((g) => g.role === 'care_admin'))
    return { id: p.clinicianId, role: 'clinician', name: p.name };
  return { id: p.hsaId, role: 'admin', name: p.name };
}
