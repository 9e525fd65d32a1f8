import { decideProxy, ProxyInput } from './guardianship';
import { luhnCheckDigit } from './personnummer';

const pnr = (nine12: string) => `${nine12.slice(0, 8)}-${nine12.slice(8)}${luhnCheckDigit(nine12.slice(2))}`;
const child = pnr('20180515123');
const parent = pnr('19850101234');
const base: ProxyInput = {
  patient: { personnummer: child, protectedIdentity: 'none' },
  guardians: [{ personnummer: parent, protectedIdentity: 'none', blocked: false }],
  verified: { personnummer: parent, loa: 'loa3' },
  date: '2026-11-23',
};

describe('decideProxy (RULES §4 1177 proxy, RULES §5 LoA3)', () => {
  it('RULES §4 a guardian may act for a child under 13', () => {
    expect(decideProxy(base)).toEqual({ allowed: true, actingAs: 'guardian' });
  });
  it('the patient may act for themself', () => {
    expect(decideProxy({ ...base, verified: { personnummer: child, loa: 'loa3' } })).toEqual({
      allowed: true,
      actingAs: 'self',
    });
  });
  it('RULES §4 guardian proxy ends when the child turns 13', () => {
    expect(decideProxy({ ...base, date: '2031-05-15' })).toMatchObject({ allowed: false, reason: 'child-13-or-older' });
    expect(decideProxy({ ...base, date: '2031-05-14' })).toMatchObject({ allowed: true });
  });
  it('RULES §4 a child with protected identity has no proxy', () => {
    expect(
      decideProxy({ ...base, patient: { personnummer: child, protectedIdentity: 'skyddad_folkbokforing' } }),
    ).toMatchObject({ allowed: false, reason: 'child-protected' });
  });
  it('RULES §4 a guardian with protected identity cannot be proxy', () => {
    expect(
      decideProxy({
        ...base,
        guardians: [{ personnummer: parent, protectedIdentity: 'sekretessmarkering', blocked: false }],
      }),
    ).toMatchObject({ allowed: false, reason: 'guardian-protected' });
  });
  it('RULES §4 providers can block a guardian', () => {
    expect(
      decideProxy({ ...base, guardians: [{ personnummer: parent, protectedIdentity: 'none', blocked: true }] }),
    ).toMatchObject({ allowed: false, reason: 'guardian-blocked' });
  });
  it('RULES §5 only LoA3 or higher is accepted', () => {
    expect(decideProxy({ ...base, verified: { personnummer: parent, loa: 'loa2' } })).toMatchObject({
      allowed: false,
      reason: 'loa-too-low',
    });
  });
  it('someone else is a mismatch; a malformed personnummer throws', () => {
    expect(decideProxy({ ...base, verified: { personnummer: '811228-9874', loa: 'loa3' } })).toMatchObject({
      allowed: false,
      reason: 'mismatch',
    });
    expect(() => decideProxy({ ...base, verified: { personnummer: '811228-9875', loa: 'loa3' } })).toThrow(
      expect.objectContaining({ reason: 'checksum' }),
    );
  });
});
