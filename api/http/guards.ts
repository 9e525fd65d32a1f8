/**
 * The guards routes declare. `roles(…)` admits by role and scopes the call to the units of the roles
 * that admitted it (never the union of every grant); `encounterScoped(…)` also loads the encounter
 * once, decides the workflow actor, answers 404/403 and logs a refusal, in this one place.
 */
import type { Request } from 'express';
import type { StaffRoleName } from '../../db/entities';
import { EncounterRow, getEncounterRow } from '../../db/encounters';
import type { Actor } from '../../workflows/encounter.messages';
import type { Principal } from '../auth';
import { actorForEncounter, type Grantee, patientsFor, unitsFor } from './access';
import { logAccess, onEncounter } from './audit';
import { HttpError, notFound } from './errors';
import type { Guard } from './route';
import { IdParam } from '../encounters/schemas';

const STAFF_ROLES: readonly StaffRoleName[] = ['care_admin', 'clinician', 'finance', 'quality_lead', 'sysadmin'];
export const staffRolesOf = (grantees: readonly Grantee[]): StaffRoleName[] =>
  STAFF_ROLES.filter((r) => grantees.includes(r));

/** An admitted caller and their reach: units (null: every unit) and, for a person, whose data they may see. */
export interface Caller {
  principal: Principal;
  /** Units of the roles that admitted the call; null for every unit (or a caller not limited by unit). */
  units: string[] | null;
  /** For a person: the patients they may act for (themself, children the rules allow); null otherwise. Asked for only where a route needs it. */
  patients(): Promise<Array<{ patientId: string; actingAs: 'self' | 'guardian' }> | null>;
}

/** No login needed (the handler decides what an anonymous caller gets). */
export const anyone: Guard<{ principal?: Principal }> = {
  grantees: ['anyone'],
  scope: (req) => ({ principal: req.principal }),
};

/** Any of these roles, scoped to the units where the caller holds them. */
export function roles(...grantees: Grantee[]): Guard<Caller> {
  const staff = staffRolesOf(grantees);
  return {
    grantees,
    scope: (req) => {
      const p = req.principal!;
      return { principal: p, units: unitsFor(p, staff), patients: () => patientsFor(req.em, p) };
    },
  };
}

export interface EncounterScope {
  row: EncounterRow;
  actor: Actor;
  principal: Principal;
}

/** Loads `:id`'s encounter and decides the caller's actor on it, in one of these roles (404/403 logged). */
export function encounterScoped(...grantees: Grantee[]): Guard<EncounterScope> {
  return { grantees, scope: (req) => scopeToEncounter(req, IdParam.parse(req.params).id, grantees) };
}

/** The same decision for an encounter id found another way (a meeting link, a page session). */
export async function scopeToEncounter(
  req: Request,
  id: string,
  grantees: readonly Grantee[],
): Promise<EncounterScope> {
  const row = await getEncounterRow(req.em, id);
  if (!row) throw notFound('encounter');
  try {
    return { row, actor: await actorForEncounter(req, row, grantees), principal: req.principal! };
  } catch (err) {
    await logAccess(req, onEncounter(row, 'access', { outcome: 'refused' }));
    throw err;
  }
}

/** A shared secret in basic auth (Janus' event handler), checked before any body is read. */
export function sharedSecret(check: (req: Request) => boolean): Guard<void> {
  return {
    grantees: ['anyone'],
    scope: (req) => {
      if (!check(req))
        throw new HttpError(401, 'authorization: wrong or missing secret', 'authorization', 'unauthenticated');
    },
  };
}
