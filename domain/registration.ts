/**
 * Visit registration for the patient-administration system (RULES.md §10): every digital contact is
 * registered with its unit's contact type and KVÅ codes, and whether a patient fee applies. The codes
 * differ per region, so each unit keeps its own table; nothing here names a code.
 */

/** The kinds of digital contact a unit registers (digifysisk: a specialist joins a primary-care visit). */
export const CONTACT_KINDS = ['video', 'phone', 'chat', 'digifysisk'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const CONTACT_KIND_LABELS_SV: Record<ContactKind, string> = {
  video: 'Videomöte',
  phone: 'Telefon (när videon inte fungerade)',
  chat: 'Skriftlig kontakt (chatt)',
  digifysisk: 'Digifysiskt besök',
};

/** One row of a unit's code table. */
export interface UnitCode {
  kind: ContactKind;
  /** The region's contact-type code (e.g. "BR") and its name (e.g. "Skriftlig distanskontakt"). */
  contactType: string;
  contactTypeName: string;
  /** KVÅ codes, e.g. ["ZV051", "XS003"]. */
  kvaCodes: string[];
  patientFee: boolean;
}

export type Outcome = 'attended' | 'no-show';

export const OUTCOME_LABELS_SV: Record<Outcome, string> = { attended: 'Genomförd', 'no-show': 'Uteblivet besök' };

/** What happened, before the unit's codes are applied. */
export interface Contact {
  kind: ContactKind;
  outcome: Outcome;
  contactDate: string;
}

export interface Registration extends Contact {
  contactType: string | null;
  contactTypeName: string | null;
  kvaCodes: string[];
  /** Whether a patient fee applies for the contact (a no-show's fee is the no-show rule's, not this). */
  patientFee: boolean;
  /** The unit has no code for this kind: registered anyway, and shown as missing. */
  missingCode: boolean;
}

/**
 * The registration of one contact with its unit's codes. A no-show is registered too (SÄS: the PAS
 * routine "Distanskontakter"), with the kind's contact type and no fee for the contact itself.
 */
export function registrationOf(contact: Contact, codes: readonly UnitCode[]): Registration {
  const code = codes.find((c) => c.kind === contact.kind);
  return {
    ...contact,
    contactType: code?.contactType ?? null,
    contactTypeName: code?.contactTypeName ?? null,
    kvaCodes: contact.outcome === 'no-show' ? [] : [...(code?.kvaCodes ?? [])],
    patientFee: contact.outcome === 'attended' && (code?.patientFee ?? false),
    missingCode: !code,
  };
}

/** The PAS export's columns, in order (README and docs/journal.md list them). */
export const REGISTRATION_CSV_COLUMNS = [
  'kontaktdatum',
  'vardenhet_hsa_id',
  'vardenhet',
  'personnummer',
  'kontaktform',
  'kontakttyp',
  'kontakttyp_namn',
  'kva_koder',
  'patientavgift',
  'utfall',
  'vardgivare_hsa_id',
  'kalla',
] as const;
