/** The test provider's identities: the demo patients, guardians and staff, each as the IdP would assert them. */
import { DEMO, DemoPatientName, demoStaff } from '../../db/seed';
import { ageOn } from '../../domain/personnummer';

export const LOA2 = 'http://id.elegnamnden.se/loa/1.0/loa2';
export const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';
export const PNR_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';
export const HSA_CLAIM = 'employeeHsaId';

export interface TestIdentity {
  /** The subject; stable, and what the login page posts. */
  sub: string;
  kind: 'person' | 'staff';
  name: string;
  givenName: string;
  familyName: string;
  acr: string;
  /** What the login page says about this identity. */
  note: string;
  personnummer?: string;
  hsaId?: string;
}

/** The subject of a demo person on the provider's page (stable: the end of the patient's id). */
export const personSub = (p: { id: string }) => `person-${p.id.slice(-3)}`;

/** A personnummer without its hyphen, as the Swedish OIDC profile sends it (12 digits). */
const twelveDigits = (pnr: string) => pnr.replace('-', '');

/** Every identity, on the day given (ages in the notes are computed, not stored). */
export function testIdentities(today = new Date().toISOString().slice(0, 10)): TestIdentity[] {
  const people = (Object.keys(DEMO.patients) as DemoPatientName[]).map((name): TestIdentity => {
    const p: { id: string; pnr: string; givenName: string; familyName: string; protectedIdentity: string } =
      DEMO.patients[name];
    const age = ageOn(p.pnr, today);
    const children = DEMO.guardianLinks.filter((l) => l.guardian === name).map((l) => DEMO.patients[l.child].givenName);
    const guardian = DEMO.guardianLinks.find((l) => l.child === name);
    const notes = [`${age} år`];
    if (children.length) notes.push(`vårdnadshavare för ${children.join(', ')}`);
    if (guardian) notes.push(`barn till ${DEMO.patients[guardian.guardian].givenName}`);
    if (p.protectedIdentity !== 'none') notes.push('skyddad identitet');
    return {
      sub: personSub(p),
      kind: 'person',
      name: `${p.givenName} ${p.familyName}`,
      givenName: p.givenName,
      familyName: p.familyName,
      acr: LOA3,
      note: notes.join(', '),
      personnummer: twelveDigits(p.pnr),
    };
  });
  // The same adult once more with an e-ID below LoA3 (a weaker e-legitimation): must be refused.
  const anna = people.find((i) => i.sub === personSub(DEMO.patients.anna))!;
  people.push({ ...anna, sub: `${anna.sub}-loa2`, acr: LOA2, note: `${anna.note}, e-legitimation på nivå 2 (LoA2)` });
  const staff = demoStaff().map((s): TestIdentity => ({
    sub: `staff-${s.hsaId}`,
    kind: 'staff',
    name: `${s.givenName} ${s.familyName}`,
    givenName: s.givenName,
    familyName: s.familyName,
    acr: LOA3,
    note: `${s.title} (${s.grants.map((g) => g.role).join(', ')})`,
    hsaId: s.hsaId,
  }));
  return [...people, ...staff];
}

/** The claims the IdP releases for an identity (Swedish OIDC profile for persons, HSA-id for staff). */
export function claimsOf(id: TestIdentity): Record<string, string> {
  return {
    sub: id.sub,
    name: id.name,
    given_name: id.givenName,
    family_name: id.familyName,
    ...(id.personnummer ? { [PNR_CLAIM]: id.personnummer } : {}),
    ...(id.hsaId ? { [HSA_CLAIM]: id.hsaId } : {}),
  };
}

/**
 * Any other identity, typed on the login page (tests and trials with their own people): the subject
 * carries it, `pnr-<12 digits>` or `hsa-<HSA-id>`.
 */
export function customIdentity(input: {
  personnummer?: string;
  hsaId?: string;
  name?: string;
  acr?: string;
}): TestIdentity | null {
  const name = input.name?.trim() || 'Testperson Testsson';
  const [givenName, ...rest] = name.split(' ');
  const base = {
    name,
    givenName,
    familyName: rest.join(' ') || 'Testsson',
    acr: input.acr === 'loa2' ? LOA2 : LOA3,
    note: 'egen testidentitet',
  };
  const pnr = input.personnummer?.replace(/\D/g, '');
  if (pnr && /^\d{12}$/.test(pnr)) return { ...base, sub: `pnr-${pnr}`, kind: 'person', personnummer: pnr };
  const hsa = input.hsaId?.trim();
  if (hsa && /^[A-Za-z0-9-]{3,64}$/.test(hsa)) return { ...base, sub: `hsa-${hsa}`, kind: 'staff', hsaId: hsa };
  return null;
}

/** The identity behind a subject: a listed one, or a typed one recovered from its subject. */
export function identityFor(sub: string, listed: Map<string, TestIdentity>): TestIdentity | null {
  if (listed.has(sub)) return listed.get(sub)!;
  if (sub.startsWith('pnr-')) return customIdentity({ personnummer: sub.slice(4) });
  if (sub.startsWith('hsa-')) return customIdentity({ hsaId: sub.slice(4) });
  return null;
}
