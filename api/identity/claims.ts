/** From a verified ID token's claims to what the session keeps: the personnummer, or a member of staff our staff table knows. */
import type { Request } from 'express';
import type { Config } from '../../config';
import type { SessionLogin } from '../auth';
import { findStaffByHsaId } from '../../db/staff';
import { parsePersonnummer } from '../../domain/personnummer';
import { LoginError } from './oidc';
import type { Audience } from './routes';

/** What the session keeps for this login; staff must exist (and be active) in our staff table. */
export async function loginFrom(
  req: Request,
  config: Config,
  audience: Audience,
  claims: Record<string, unknown>,
): Promise<SessionLogin> {
  const at = Date.now();
  const loa: 'loa3' | 'loa4' = String(claims.acr).endsWith('loa4') ? 'loa4' : 'loa3';
  const name =
    typeof claims.name === 'string' ? claims.name : [claims.given_name, claims.family_name].filter(Boolean).join(' ');
  if (audience === 'staff') {
    const hsaId = claims[config.claims.hsaId];
    if (typeof hsaId !== 'string' || !hsaId)
      throw new LoginError('claim', `Inloggningen saknade HSA-id (${config.claims.hsaId}).`);
    if (!(await findStaffByHsaId(req.em, hsaId)))
      throw new LoginError(
        'unknown-staff',
        'Du är inte upplagd som användare i Vårdmöte. Kontakta din systemförvaltare.',
      );
    return { kind: 'staff', hsaId, at };
  }
  const pnr = claims[config.claims.personnummer];
  if (typeof pnr !== 'string') throw new LoginError('claim', 'Inloggningen saknade personnummer.');
  let personnummer: string;
  try {
    personnummer = parsePersonnummer(pnr).normalized;
  } catch {
    throw new LoginError('claim', 'Inloggningen gav ett ogiltigt personnummer.');
  }
  const amr = Array.isArray(claims.amr) ? claims.amr.map(String) : [];
  return {
    kind: 'person',
    personnummer,
    name: name || 'Patient',
    loa,
    method: amr.includes('freja') ? 'freja' : 'bankid',
    at,
  };
}
