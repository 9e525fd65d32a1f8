import { registrationOf, type UnitCode } from './registration';

const VGR: UnitCode[] = [
  { kind: 'video', contactType: 'VI', contactTypeName: 'Videomöte', kvaCodes: ['ZV051'], patientFee: true },
  {
    kind: 'chat',
    contactType: 'BR',
    contactTypeName: 'Skriftlig distanskontakt',
    kvaCodes: ['ZV051', 'XS003'],
    patientFee: false,
  },
];

it("RULES §10 a chat contact is registered with the unit's written contact type and KVÅ codes, without a patient fee", () => {
  expect(registrationOf({ kind: 'chat', outcome: 'attended', contactDate: '2026-12-02' }, VGR)).toEqual({
    kind: 'chat',
    outcome: 'attended',
    contactDate: '2026-12-02',
    contactType: 'BR',
    contactTypeName: 'Skriftlig distanskontakt',
    kvaCodes: ['ZV051', 'XS003'],
    patientFee: false,
    missingCode: false,
  });
});

it('RULES §10 a no-show is registered too, with the contact type and neither KVÅ nor a patient fee for the contact', () => {
  expect(registrationOf({ kind: 'video', outcome: 'no-show', contactDate: '2026-12-02' }, VGR)).toMatchObject({
    contactType: 'VI',
    kvaCodes: [],
    patientFee: false,
    missingCode: false,
  });
});

it('RULES §10 nothing is hard-coded: a kind the unit has no code for is registered and shown as missing', () => {
  expect(registrationOf({ kind: 'phone', outcome: 'attended', contactDate: '2026-12-02' }, VGR)).toMatchObject({
    contactType: null,
    kvaCodes: [],
    patientFee: false,
    missingCode: true,
  });
});
