/**
 * Workflow payload encryption: AES-256-GCM over each serialized payload, so Temporal's histories
 * and UI hold no personnummer, names or note text in clear. The key id travels in the payload's
 * metadata; the first key encrypts and every listed key decrypts, which is how keys rotate.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ARRIVED_CLEAR_METADATA } from './payload-converter';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** Outside production only: a fixed key, so histories kept in `.data/` stay readable across restarts. */
export const DEV_PAYLOAD_KEYS = `dev:${createHash('sha256').update('vardmote development payload key').digest('base64')}`;

/**
 * Parses `PAYLOAD_KEYS`: `id:base64key,id:base64key`, newest first; each key 32 bytes.
 * @throws Error naming the entry that is wrong
 */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const at = entry.indexOf(':');
      const id = at > 0 ? entry.slice(0, at) : '';
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (!/^[\w.-]{1,64}$/.test(id)) throw new Error(`entry ${i + 1}: expected <key id>:<base64 key>`);
      if (key.length !== 32)
        throw new Error(`key "${id}": must be 32 bytes (base64 of 32 random bytes), not ${key.length}`);
      return { id, key };
    });
  if (!keys.length) throw new Error('no key given');
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`key id "${twice}" is listed twice`);
  return keys;
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export interface CodecOptions {
  /**
   * The worker's and replayer's codec only: mark each payload that arrives in clear, so workflows
   * can refuse to act on it (workflows/payload-origin.ts). Clients never need it.
   */
  markClear?: boolean;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly keys: PayloadKey[],
    private readonly options: CodecOptions = {},
  ) {
    if (!keys.length) throw new Error('payload codec: at least one key is needed');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a payload cannot be relabelled to another key.
      cipher.setAAD(text(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: text(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Histories written before encryption (and other codecs' payloads) pass through, so old
      // histories replay; the worker marks them, since anyone who reaches Temporal can send one.
      if (str(payload.metadata?.encoding) !== ENCRYPTED_ENCODING)
        return this.options.markClear
          ? { ...payload, metadata: { ...payload.metadata, [ARRIVED_CLEAR_METADATA]: text('1') } }
          : payload;
      const id = str(payload.metadata?.[KEY_ID_METADATA]);
      const key = id === undefined ? undefined : this.byId.get(id);
      if (!key)
        throw new Error(
          `payload codec: the payload was encrypted with key id "${id ?? '(none)'}", which is not in PAYLOAD_KEYS (known: ${[...this.byId.keys()].join(', ')})`,
        );
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('payload codec: encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(text(id!));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new Error(`payload codec: payload under key id "${id}" failed authentication (wrong key or altered)`);
      }
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

/**
 * The workflow sandbox's payload converter, for `bundleWorkflowCode({ payloadConverterPath })`: a
 * prebuilt bundle must carry it, a worker given `workflowsPath` bundles it from `dataConverter()`.
 */
export const WORKFLOW_PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

/**
 * The data converter every client, worker and replayer here uses.
 * @param keys - PAYLOAD_KEYS, newest first
 * @param options - `{ markClear: true }` for workers and replayers (see CodecOptions)
 */
export function dataConverter(keys: PayloadKey[], options: CodecOptions = {}): DataConverter {
  const payloadCodecs = [new EncryptionCodec(keys, options)];
  return options.markClear
    ? { payloadConverterPath: WORKFLOW_PAYLOAD_CONVERTER_PATH, payloadCodecs }
    : { payloadCodecs };
}
