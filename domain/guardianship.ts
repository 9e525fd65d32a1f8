/** Who may act for a patient after e-ID login: self, or a guardian for a young child (RULES.md §4–5). */
import { ageOn, parsePersonnummer } from './personnummer';

export type ProtectedIdentityFlag = 'none' | 'sekretessmarkering' | 'skyddad_folkbokforing' | 'fingerade';

/** 1177 guardian proxy ends when the child turns 13; from then the child logs in with own e-ID. */
export const PROXY_MAX_AGE_EXCLUSIVE = 13;

export interface ProxyInput {
  patient: { personnummer: string; protectedIdentity: ProtectedIdentityFlag };
  guardians: Array<{ personnummer: string; protectedIdentity: ProtectedIdentityFlag; blocked: boolean }>;
  verified: { personnummer: string; loa: string };
  /** 'YYYY-MM-DD', the day of verification (Stockholm). */
  date: string;
}

export type ProxyRefusal =
  'loa-too-low' | 'mismatch' | 'child-13-or-older' | 'child-protected' | 'guardian-protected' | 'guardian-blocked';

export type ProxyDecision =
  { allowed: true; actingAs: 'self' | 'guardian' } | { allowed: false; reason: ProxyRefusal; message: string };

const LOA_OK = new Set(['loa3', 'loa4']);

/**
 * Decides whether the verified person may act for the patient: the patient themself, or a
 * guardian of a child under 13 when neither has a protected identity and the provider has
 * not blocked the guardian.
 */
export function decideProxy(input: ProxyInput): ProxyDecision {
  if (!LOA_OK.has(input.verified.loa)) return refuse('loa-too-low', `e-ID at ${input.verified.loa}; LoA3 is required`);
  const who = parsePersonnummer(input.verified.personnummer, input.date).normalized;
  const patient = parsePersonnummer(input.patient.personnummer, input.date).normalized;
  if (who === patient) return { allowed: true, actingAs: 'self' };

  const guardian = input.guardians.find((g) => parsePersonnummer(g.personnummer, input.date).normalized === who);
  if (!guardian) return refuse('mismatch', 'the verified person is neither the patient nor a registered guardian');
  if (input.patient.protectedIdentity !== 'none')
    return refuse('child-protected', 'a child with protected identity has no guardian proxy');
  if (guardian.protectedIdentity !== 'none')
    return refuse('guardian-protected', 'a guardian with protected identity cannot act as proxy');
  if (guardian.blocked) return refuse('guardian-blocked', "the care provider has blocked this guardian's access");
  if (ageOn(patient, input.date) >= PROXY_MAX_AGE_EXCLUSIVE)
    return refuse('child-13-or-older', 'from 13 the child logs in with their own e-ID');
  return { allowed: true, actingAs: 'guardian' };
}

function refuse(reason: ProxyRefusal, message: string): ProxyDecision {
  return { allowed: false, reason, message };
}
