/** The e-ID result for an encounter: who logged in, at which level, and whether they may act. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, ref } from './columns';

export class IdentityCheck {
  encounterId!: string;
  verifiedPersonnummer!: string;
  method!: string;
  loa!: string;
  allowed!: boolean;
  actingAs?: 'self' | 'guardian' | null;
  refusal?: string | null;
  checkedAt: Date = new Date();
}

export const IdentityCheckSchema = new EntitySchema<IdentityCheck>({
  class: IdentityCheck,
  tableName: 'identity_check',
  properties: {
    encounterId: ref('Encounter', 'encounter_id', { primary: true }),
    verifiedPersonnummer: { type: 'text' },
    method: { type: 'text' },
    loa: { type: 'text' },
    allowed: { type: 'boolean' },
    actingAs: { type: 'text', nullable: true },
    refusal: { type: 'text', nullable: true },
    checkedAt: createdAt,
  },
});
