import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { DEV_PAYLOAD_KEYS, EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, parsePayloadKeys } from './codec';
import { ARRIVED_CLEAR_METADATA, isTrustedArgument, payloadConverter } from './payload-converter';

const key = (id: string) => ({ id, key: randomBytes(32) });
const plain = (v: unknown) => defaultPayloadConverter.toPayload(v) as Payload;
const meta = (p: Payload, k: string) => Buffer.from(p.metadata![k]!).toString();
const NOTE = { personnummer: '198503142385', text: 'Eksem på händerna, bättre.' };

it('round-trips a payload; the encrypted form holds neither the personnummer nor the note', async () => {
  const codec = new EncryptionCodec([key('k2026')]);
  const [enc] = await codec.encode([plain(NOTE)]);
  expect(meta(enc, 'encoding')).toBe(ENCRYPTED_ENCODING);
  expect(meta(enc, KEY_ID_METADATA)).toBe('k2026');
  expect(Buffer.from(enc.data!).includes('198503142385')).toBe(false);
  expect(Buffer.from(enc.data!).includes('Eksem')).toBe(false);
  const [dec] = await codec.decode([enc]);
  expect(defaultPayloadConverter.fromPayload(dec)).toEqual(NOTE);
});

it('rotation: the first key encrypts, older keys still decrypt', async () => {
  const old = key('k2025');
  const [encOld] = await new EncryptionCodec([old]).encode([plain(NOTE)]);
  const rotated = new EncryptionCodec([key('k2026'), old]);
  expect(defaultPayloadConverter.fromPayload((await rotated.decode([encOld]))[0])).toEqual(NOTE);
  expect(meta((await rotated.encode([plain(1)]))[0], KEY_ID_METADATA)).toBe('k2026');
});

it('a payload under an unknown key id fails clearly, naming the id and the known ones', async () => {
  const [enc] = await new EncryptionCodec([key('k2024')]).encode([plain(NOTE)]);
  await expect(new EncryptionCodec([key('k2026')]).decode([enc])).rejects.toThrow(
    'payload codec: the payload was encrypted with key id "k2024", which is not in PAYLOAD_KEYS (known: k2026)',
  );
});

it('a wrong key under the right id, or an altered payload, fails authentication', async () => {
  const [enc] = await new EncryptionCodec([key('k1')]).encode([plain(NOTE)]);
  await expect(new EncryptionCodec([key('k1')]).decode([enc])).rejects.toThrow(/failed authentication/);
  const relabelled = { ...enc, metadata: { ...enc.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
  await expect(new EncryptionCodec([key('k2')]).decode([relabelled])).rejects.toThrow(/failed authentication/);
});

it('payloads written before encryption pass through unchanged (old histories still decode)', async () => {
  const old = plain(NOTE);
  expect(await new EncryptionCodec([key('k1')]).decode([old])).toEqual([old]);
});

it("the worker's codec marks clear payloads, and its converter marks their values invisibly", async () => {
  const codec = new EncryptionCodec([key('k1')], { markClear: true });
  const [clear] = await codec.decode([plain(NOTE)]);
  expect(meta(clear, ARRIVED_CLEAR_METADATA)).toBe('1');
  const value = payloadConverter.fromPayload<typeof NOTE>(clear);
  expect(isTrustedArgument(value)).toBe(false);
  expect(value).toEqual(NOTE);
  expect(JSON.stringify(value)).toBe(JSON.stringify(NOTE));
  expect({ ...value }).toEqual(NOTE);
  expect(isTrustedArgument({ ...value })).toBe(true);
});

it("a payload encrypted by us is not marked, even when a clear one forged the mark's metadata; a primitive is never trusted", async () => {
  const codec = new EncryptionCodec([key('k1')], { markClear: true });
  const [dec] = await codec.decode(await codec.encode([plain(NOTE)]));
  expect(dec.metadata?.[ARRIVED_CLEAR_METADATA]).toBeUndefined();
  expect(isTrustedArgument(payloadConverter.fromPayload(dec))).toBe(true);
  const forged = { ...plain(NOTE), metadata: { ...plain(NOTE).metadata, [ARRIVED_CLEAR_METADATA]: new Uint8Array() } };
  expect(isTrustedArgument(payloadConverter.fromPayload((await codec.decode([forged]))[0]))).toBe(false);
  expect(
    isTrustedArgument(payloadConverter.fromPayload((await codec.decode(await codec.encode([plain('x')])))[0])),
  ).toBe(false);
});

it('parsePayloadKeys names what is wrong with PAYLOAD_KEYS', () => {
  expect(parsePayloadKeys(DEV_PAYLOAD_KEYS)[0].id).toBe('dev');
  expect(() => parsePayloadKeys('k1:' + Buffer.alloc(16).toString('base64'))).toThrow(
    'key "k1": must be 32 bytes (base64 of 32 random bytes), not 16',
  );
  expect(() => parsePayloadKeys('nokey')).toThrow('entry 1: expected <key id>:<base64 key>');
  const k = randomBytes(32).toString('base64');
  expect(() => parsePayloadKeys(`a:${k},a:${k}`)).toThrow('key id "a" is listed twice');
});
