/**
 * The journal export as FHIR R4 (issue 25): one signed note (or a chat day's summary) as a transaction
 * Bundle of conditional creates keyed by our ids and the national identifiers, so a retry finds what
 * the first attempt made instead of making a second note. Pure: facts in, resources out.
 */
import type {
  Bundle,
  BundleEntry,
  Coding,
  DocumentReference,
  Encounter,
  Organization,
  Patient,
  Practitioner,
  Provenance,
  RelatedPerson,
  Resource,
} from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import { parsePersonnummer } from './personnummer';
import type { UnitCode } from './registration';

/** The national identifier systems (Inera's OIDs). */
export const SYSTEMS = {
  personnummer: 'urn:oid:1.2.752.129.2.1.3.1',
  samordningsnummer: 'urn:oid:1.2.752.129.2.1.3.3',
  hsaId: 'urn:oid:1.2.752.29.4.19',
  kva: 'urn:oid:1.2.752.116.1.3.2.1.4',
  /** Our own ids: the conditional creates' keys. */
  encounter: 'urn:vardmote:encounter',
  note: 'urn:vardmote:note',
  contactType: 'urn:vardmote:contact-type',
} as const;

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

/** The kind of contact: video (or the phone it fell back to) or a written chat day. */
export type ContactKind = 'video' | 'phone' | 'chat';

/** The visit type the journal shows (SÄS: "Digitalt vårdmöte"; a chat: "Skriftlig kontakt"). */
export const VISIT_TYPES_SV: Record<ContactKind, string> = {
  video: 'Digitalt vårdmöte',
  phone: 'Digitalt vårdmöte (telefon)',
  chat: 'Skriftlig kontakt',
};

export interface Person {
  personnummer: string;
  givenName: string;
  familyName: string;
}

export interface JournalFacts {
  kind: ContactKind;
  /** Our id of the contact (the encounter, or the thread and its day). */
  contactId: string;
  period: { start: string; end?: string };
  /** The patient; with protected identity only the identifier leaves us (RULES.md §4). */
  patient: Person & { protectedIdentity: boolean };
  /** The guardian who took part for a child, if one did. */
  guardian?: Person | null;
  clinician: { hsaId: string; givenName: string; familyName: string; title?: string | null };
  unit: { hsaId: string; name: string };
  note: { id: string; text: string; signedAt: string; contactDate: string };
  /** The unit's registration codes for this contact (contact type, KVÅ), when it has them. */
  codes?: Coding[];
}

/** A fullUrl inside the bundle; references between its entries use it. */
const local = (key: string, facts: JournalFacts) => `urn:uuid:${uuidOf(`${facts.note.id}:${key}`)}`;

/** The identifier of a personnummer or samordningsnummer, 12 digits without the hyphen. */
export function personIdentifier(pnr: string) {
  const parsed = parsePersonnummer(pnr);
  return {
    system: parsed.coordinationNumber ? SYSTEMS.samordningsnummer : SYSTEMS.personnummer,
    value: parsed.normalized.replace('-', ''),
  };
}

const create = <T extends Resource>(fullUrl: string, resource: T, ifNoneExist: string): BundleEntry =>
  ({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType, ifNoneExist } }) as BundleEntry;

const search = (id: { system: string; value: string }) => `identifier=${id.system}|${id.value}`;

/** A unit's registration codes for a contact as the Encounter's type codings (the PAS gets the same, RULES.md §10). */
export function codingsOf(codes: ReadonlyArray<UnitCode>, kind: ContactKind): Coding[] {
  const code = codes.find((c) => c.kind === kind);
  if (!code) return [];
  return [
    { system: SYSTEMS.contactType, code: code.contactType, display: code.contactTypeName },
    ...code.kvaCodes.map((k) => ({ system: SYSTEMS.kva, code: k })),
  ];
}

/** The transaction Bundle for one signed note. */
export function journalBundle(f: JournalFacts): Bundle {
  const refs = {
    patient: local('patient', f),
    guardian: local('guardian', f),
    practitioner: local('practitioner', f),
    organization: local('organization', f),
    encounter: local('encounter', f),
    document: local('document', f),
    provenance: local('provenance', f),
  };
  const patientId = personIdentifier(f.patient.personnummer);
  const patient: Patient = {
    resourceType: 'Patient',
    identifier: [patientId],
    ...(f.patient.protectedIdentity
      ? { meta: { security: [{ system: CONFIDENTIALITY, code: 'R', display: 'restricted' }] } }
      : { name: [{ family: f.patient.familyName, given: [f.patient.givenName] }] }),
  };
  const hsa = (value: string) => ({ system: SYSTEMS.hsaId, value });
  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    identifier: [hsa(f.clinician.hsaId)],
    name: [
      {
        family: f.clinician.familyName,
        given: [f.clinician.givenName],
        ...(f.clinician.title ? { prefix: [f.clinician.title] } : {}),
      },
    ],
  };
  const organization: Organization = {
    resourceType: 'Organization',
    identifier: [hsa(f.unit.hsaId)],
    name: f.unit.name,
  };
  const guardianId = f.guardian ? personIdentifier(f.guardian.personnummer) : null;
  const guardian: RelatedPerson | null =
    f.guardian && guardianId
      ? {
          resourceType: 'RelatedPerson',
          identifier: [guardianId],
          patient: { reference: refs.patient },
          relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'GUARD' }] }],
          name: [{ family: f.guardian.familyName, given: [f.guardian.givenName] }],
        }
      : null;
  const encounterId = { system: SYSTEMS.encounter, value: f.contactId };
  const encounter: Encounter = {
    resourceType: 'Encounter',
    identifier: [encounterId],
    status: 'finished',
    // VR "virtual": patient and practitioner not in one place, televideo and written exchange alike.
    class: { system: ACT_CODE, code: 'VR', display: 'virtual' },
    type: [{ coding: f.codes ?? [], text: VISIT_TYPES_SV[f.kind] }],
    subject: { reference: refs.patient },
    participant: [
      { individual: { reference: refs.practitioner } },
      ...(guardian ? [{ individual: { reference: refs.guardian } }] : []),
    ],
    period: f.period,
    serviceProvider: { reference: refs.organization },
  };
  const noteId = { system: SYSTEMS.note, value: f.note.id };
  const document: DocumentReference = {
    resourceType: 'DocumentReference',
    identifier: [noteId],
    status: 'current',
    docStatus: 'final',
    // LOINC 11506-3 Progress note.
    type: {
      coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }],
      text: VISIT_TYPES_SV[f.kind],
    },
    subject: { reference: refs.patient },
    date: f.note.signedAt,
    author: [{ reference: refs.practitioner }],
    authenticator: { reference: refs.practitioner },
    custodian: { reference: refs.organization },
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'sv',
          data: Buffer.from(f.note.text, 'utf8').toString('base64'),
          title: `${VISIT_TYPES_SV[f.kind]} ${f.note.contactDate}`,
          creation: f.note.signedAt,
        },
      },
    ],
    context: { encounter: [{ reference: refs.encounter }], period: { start: f.note.contactDate } },
  };
  const provenance: Provenance = {
    resourceType: 'Provenance',
    target: [{ reference: refs.document }],
    recorded: f.note.signedAt,
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }] },
    agent: [
      {
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }],
        },
        who: { reference: refs.practitioner },
        onBehalfOf: { reference: refs.organization },
      },
    ],
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      create(refs.patient, patient, search(patientId)),
      create(refs.practitioner, practitioner, search(hsa(f.clinician.hsaId))),
      create(refs.organization, organization, search(hsa(f.unit.hsaId))),
      ...(guardian && guardianId ? [create(refs.guardian, guardian, search(guardianId))] : []),
      create(refs.encounter, encounter, search(encounterId)),
      create(refs.document, document, search(noteId)),
      // Provenance has no identifier: it is the one whose target is our note.
      create(refs.provenance, provenance, `target:DocumentReference.identifier=${SYSTEMS.note}|${f.note.id}`),
    ],
  };
}

/** What the journal system answered: the id it gave each resource we sent, by type. */
export interface JournalReceipt {
  documentReference: string;
  encounter: string;
  patient: string;
  provenance: string;
}

/** The ids out of a transaction-response Bundle (locations like `DocumentReference/<id>/_history/1`). */
export function receiptOf(response: Bundle): JournalReceipt {
  const ids = new Map<string, string>();
  for (const e of response.entry ?? []) {
    const [type, id] = (e.response?.location ?? '').split('/');
    if (type && id && !ids.has(type)) ids.set(type, id);
  }
  const need = (type: string) => {
    const id = ids.get(type);
    if (!id) throw new Error(`the journal's answer has no ${type} id`);
    return id;
  };
  return {
    documentReference: need('DocumentReference'),
    encounter: need('Encounter'),
    patient: need('Patient'),
    provenance: need('Provenance'),
  };
}

/** A name-based UUID (the same name gives the same id, RFC 9562 version 5 shape). */
function uuidOf(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
