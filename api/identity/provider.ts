/** The e-ID port: turns a login result into verified claims. The OIDC adapter plugs in here later. */
import { z } from 'zod';
import { parsePersonnummer } from '../../domain/personnummer';
import type { IdentityClaims } from '../../workflows/encounter.messages';

export interface IdentityProvider {
  readonly name: string;
  /** Verifies an assertion from the login flow; throws on anything not verified. */
  verify(assertion: unknown): Promise<IdentityClaims>;
}

const TestAssertion = z.object({
  personnummer: z.string().min(10),
  loa: z.enum(['loa2', 'loa3', 'loa4']).default('loa3'),
});

/**
 * Test identities for the embedded default and tests: the assertion names the person directly.
 * Never enable in production (the OIDC broker adapter replaces it).
 */
export function createTestIdentityProvider(): IdentityProvider {
  return {
    name: 'test',
    async verify(assertion) {
      const a = TestAssertion.parse(assertion);
      return { personnummer: parsePersonnummer(a.personnummer).normalized, loa: a.loa, method: 'test' };
    },
  };
}
