/** Workflow payloads are encrypted (temporal/codec.ts): the Temporal server's history holds no patient data in clear. */
import { temporal } from '@temporalio/proto';
import * as m from '../../workflows/encounter.messages';
import { EncryptionCodec } from '../../temporal/codec';
import { connect, TestContext } from '../../testkit/env';
import { Fixture, makeFixture, makeSlot } from '../../testkit/fixtures';
import { admin, clinicianOf, runSession, startEncounter, throughIdentity, waitForStatus } from '../../testkit/drive';
import { maybeRecordHistory } from '../support/histories';
import { startTestWorker, TestWorker } from '../../testkit/worker';

jest.setTimeout(90_000);

let ctx: TestContext;
let worker: TestWorker;
let f: Fixture;

beforeAll(async () => {
  ctx = await connect();
  worker = await startTestWorker(ctx);
  f = await makeFixture(ctx.orm);
});
afterAll(async () => {
  await worker?.stop();
  await ctx?.close();
});

const NOTE = 'Eksem på båda händerna sedan tre veckor; hydrokortison 1 % två gånger dagligen.';

it('a whole encounter leaves no personnummer, patient name, e-mail or note text in any payload of its history', async () => {
  const { id, handle } = await startEncounter(ctx, f, f.adultId);
  await throughIdentity(handle, f);
  const slot = await makeSlot(ctx.orm, f.clinicianId, 4);
  await handle.executeUpdate(m.bookUpdate, { args: [{ actor: admin, slotId: slot.id }] });
  await runSession(handle, f);
  await waitForStatus(handle, 'documentation');
  await handle.executeUpdate(m.submitJournalNoteUpdate, { args: [{ actor: clinicianOf(f), text: NOTE }] });
  expect(await handle.result()).toMatchObject({ status: 'closed' });
  await maybeRecordHistory(handle, 'encrypted');

  // The raw history as the server stores it and the Temporal UI shows it without the codec endpoint.
  const { history } = await ctx.connection.workflowService.getWorkflowExecutionHistory({
    namespace: ctx.config.temporal.namespace,
    execution: { workflowId: handle.workflowId },
  });
  const raw = Buffer.from(temporal.api.history.v1.History.encode(history!).finish());
  const secrets = [f.adultPnr, f.adultPnr.slice(2), 'Testsson', `${f.adultId}@example.se`, NOTE, 'hydrokortison'];
  expect(secrets.filter((s) => raw.includes(s))).toEqual([]);

  // Every payload is encrypted under the configured key, and decrypting them finds the note: the check above could fail.
  const payloads = collectPayloads(history);
  // Only the SDK's own patch markers (and their search attribute) stay in clear: the server must read them.
  const isEncrypted = (p: (typeof payloads)[number]) =>
    Buffer.from(p.metadata?.encoding ?? []).toString() === 'binary/encrypted';
  const clearText = payloads.filter((p) => !isEncrypted(p)).map((p) => Buffer.from(p.data ?? []).toString());
  // Each clear payload is a patch marker of ours or the search attribute listing them, nothing else.
  const PATCHES = [
    'early-booking',
    'engagement-index',
    'invitations',
    'journal-export',
    'serialised-updates',
    'invoicing',
    'reminders',
    'participants',
    'signals-projected',
  ];
  const isPatchMarker = (text: string) => {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v)) return v.length > 0 && v.every((id) => PATCHES.includes(id as string));
    const marker = v as { id?: string; deprecated?: boolean };
    return PATCHES.includes(marker.id ?? '') && marker.deprecated === false && Object.keys(marker).length === 2;
  };
  expect(clearText.length).toBeGreaterThanOrEqual(PATCHES.length);
  expect(clearText.filter((t) => !isPatchMarker(t))).toEqual([]);
  expect(new Set(clearText.filter((t) => t.startsWith('{')).map((t) => JSON.parse(t).id))).toEqual(new Set(PATCHES));
  expect(payloads.filter(isEncrypted).length).toBeGreaterThan(20);
  const decoded = await new EncryptionCodec(ctx.config.payloadKeys).decode(payloads);
  const clear = Buffer.concat(decoded.map((p) => Buffer.from(p.data ?? [])));
  expect(clear.includes(NOTE)).toBe(true);
  expect(clear.includes(f.adultPnr)).toBe(true);
  expect(id).toBeTruthy();
});

/** Every Payload message anywhere in the history (inputs, results, update args, signals, memo). */
function collectPayloads(node: unknown, out: temporal.api.common.v1.IPayload[] = []) {
  if (!node || typeof node !== 'object') return out;
  if (node instanceof Uint8Array) return out;
  const o = node as Record<string, unknown>;
  if ('data' in o && 'metadata' in o && (o.data instanceof Uint8Array || o.data === null)) {
    out.push(o as temporal.api.common.v1.IPayload);
    return out;
  }
  for (const v of Object.values(o)) {
    if (Array.isArray(v)) v.forEach((x) => collectPayloads(x, out));
    else collectPayloads(v, out);
  }
  return out;
}
