/**
 * The SMS port over SMPP 3.4 against a real peer: the test SMS centre (the `smpp` library's own server)
 * on its own port. What arrives in the submit_sm, delivery receipts in the Utkorg, one send per key,
 * and a send while the SMS centre is down: rejected, marked failed, and sent once it is back.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createSmsDelivery, recordSmsReceipt, type SmsGateway } from '../../activities/sms';
import { createSmppGateway, encodeSmsText, parseReceipt } from '../../activities/sms/smpp';
import { OutboxMessage } from '../../db/entities';
import { startTestSmsc, TEST_SMSC_SYSTEM_ID, type TestSmsc } from '../../scripts/test-smsc/server';
import { testApp } from '../../testkit/app';
import { connect, TestContext } from '../../testkit/env';
import { FixtureWith, makeFixture } from '../../testkit/fixtures';
import { login } from '../../testkit/login';

const PASSWORD = 'pw-9Zq';
/** Fits one SMS in UCS-2 (70 characters). */
const SHORT = 'Hej Åsa! Ditt vårdmöte på Södermalm är i morgon kl. 10.00.';
const SWEDISH = 'Hej! Påminnelse: ditt vårdmöte på Vårdcentral Södermalm är i morgon kl. 10.00. Välkommen – ÅÄÖ.';

let ctx: TestContext;
let f: FixtureWith<'staff'>;
let smsc: TestSmsc;
let gateway: SmsGateway;
let deliverSms: ReturnType<typeof createSmsDelivery>;
let run = 0;

beforeAll(async () => {
  ctx = await connect();
  f = await makeFixture(ctx.orm, { with: ['staff'] });
  smsc = await startTestSmsc({ port: 0, host: '127.0.0.1', password: PASSWORD });
  gateway = createSmppGateway({
    url: smsc.url,
    sender: 'Vardmote',
    onReceipt: async (r) => void (await recordSmsReceipt(ctx.orm, r)),
    timeoutMs: 3000,
  });
  deliverSms = createSmsDelivery({ orm: ctx.orm, sms: gateway });
});
afterAll(async () => {
  await gateway?.close();
  await smsc?.stop();
  await ctx?.close();
});

const owner = () => ({ encounterId: null, careUnitId: f.unitId, patientId: f.adultId });
/** A fresh mobile number per test (07x-xxx xx yy), so each test finds its own messages. */
const number = (last4 = String(1000 + ++run).slice(-4)) =>
  `070-${String(Date.now()).slice(-3)} ${last4.slice(0, 2)} ${last4.slice(2)}`;
const e164 = (n: string) => `+46${n.replace(/\D/g, '').slice(1)}`;
const row = (id: string) => ctx.orm.em.fork().findOneOrFail(OutboxMessage, { id });
const to = (n: string) => smsc.messages.filter((m) => m.to === e164(n).slice(1));

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('sends the text with å ä ö as UCS-2 to the E.164 number, from the alphanumeric sender, asking for a receipt', async () => {
  const n = number();
  const res = await deliverSms(`sms-test:${n}:swedish`, owner(), { to: n, text: SHORT });
  expect(res.status).toBe('sent');
  const [pdu] = to(n);
  expect(pdu).toMatchObject({ to: e164(n).slice(1), toTon: 1, toNpi: 1, from: 'Vardmote', fromTon: 5 });
  expect(pdu.dataCoding).toBe(0x08);
  expect(pdu.text).toBe(SHORT);
  expect(pdu.viaPayload).toBe(false);
  expect(pdu.registeredDelivery & 0x01).toBe(1);
  const stored = await row(res.outboxId);
  expect(stored).toMatchObject({ channel: 'sms', recipient: e164(n), subject: 'SMS', html: '', text: SHORT });
  expect(stored.providerMessageId).toBe(pdu.messageId);
});

it('sends a message longer than one SMS whole, in message_payload', async () => {
  const n = number();
  const text = `${SWEDISH} ${'Läs mer på Mina sidor. '.repeat(8)}Slut.`;
  expect(text.length).toBeGreaterThan(160);
  await deliverSms(`sms-test:${n}:long`, owner(), { to: n, text });
  const [pdu] = to(n);
  expect(pdu.viaPayload).toBe(true);
  expect(pdu.text).toBe(text);
  // Plain text that is too long goes the same way, in the alphabet both sides read alike.
  const plain = 'Your appointment is tomorrow. '.repeat(7);
  await deliverSms(`sms-test:${n}:long-plain`, owner(), { to: n, text: plain });
  expect(to(n)[1]).toMatchObject({ viaPayload: true, dataCoding: 0x00, text: plain });
});

it('records the delivery receipt on the Utkorg row, and the Utkorg shows it in Swedish', async () => {
  const n = number();
  const ok = await deliverSms(`sms-test:${n}:delivered`, owner(), { to: n, text: SWEDISH });
  const failedNumber = number('0000');
  const bad = await deliverSms(`sms-test:${failedNumber}:undeliv`, owner(), { to: failedNumber, text: SWEDISH });
  const delivered = await until(
    'the receipt',
    () => row(ok.outboxId),
    (r) => r.deliveryStatus != null,
  );
  expect(delivered.deliveryStatus).toBe('delivered');
  expect(delivered.deliveredAt).toBeInstanceOf(Date);
  expect(delivered.deliveredAt!.getTime()).toBeGreaterThanOrEqual(delivered.sentAt!.getTime());
  const undelivered = await until(
    'the UNDELIV receipt',
    () => row(bad.outboxId),
    (r) => r.deliveryStatus != null,
  );
  expect(undelivered.deliveryStatus).toBe('undeliverable');
  expect(undelivered.deliveredAt).toBeNull();

  const app = testApp(ctx);
  try {
    const admin = await login(app, { hsaId: f.staff.careAdmin });
    const api = (await admin.get('/api/outbox').expect(200)).body as Array<Record<string, unknown>>;
    expect(api.find((m) => m.id === ok.outboxId)).toMatchObject({
      channel: 'sms',
      channelLabel: 'SMS',
      recipient: e164(n),
      deliveryStatus: 'delivered',
      deliveryLabel: 'Levererat',
    });
    expect(api.find((m) => m.id === bad.outboxId)).toMatchObject({ deliveryLabel: 'Kunde inte levereras' });
    const page = (await admin.get('/admin/outbox').expect(200)).text;
    expect(page).toContain(e164(n));
    expect(page).toContain('Levererat');
    expect(page).toContain('Kunde inte levereras');
    expect(page).toContain('<td>SMS</td>');
  } finally {
    await app.close();
  }
});

it('sends once per idempotency key: a retry after a successful send returns the first row', async () => {
  const n = number();
  const first = await deliverSms(`sms-test:${n}:once`, owner(), { to: n, text: 'Hej' });
  const again = await deliverSms(`sms-test:${n}:once`, owner(), { to: n, text: 'Hej' });
  expect(again).toEqual(first);
  expect(to(n)).toHaveLength(1);
});

it('with the SMS centre down the send rejects and the row is failed; once it is back the retry binds again and sends', async () => {
  const n = number();
  const port = smsc.port;
  await smsc.stop();
  const key = `sms-test:${n}:down`;
  await expect(deliverSms(key, owner(), { to: n, text: 'Hej igen' })).rejects.toThrow(/SMS centre/);
  const [failed] = await ctx.orm.em.fork().find(OutboxMessage, { idempotencyKey: key });
  expect(failed.status).toBe('failed');
  expect(failed.error).toMatch(/SMS centre/);

  smsc = await startTestSmsc({ port, host: '127.0.0.1', password: PASSWORD });
  const res = await deliverSms(key, owner(), { to: n, text: 'Hej igen' });
  expect(res).toEqual({ outboxId: failed.id, status: 'sent' });
  expect(to(n)).toHaveLength(1);
  expect(await row(failed.id)).toMatchObject({ status: 'sent', error: null });
});

it('without an SMS gateway the SMS is stored in the Utkorg and nothing is sent', async () => {
  const n = number();
  const res = await createSmsDelivery({ orm: ctx.orm, sms: null })(`sms-test:${n}:none`, owner(), {
    to: n,
    text: 'Hej',
  });
  expect(res.status).toBe('stored');
  expect(to(n)).toHaveLength(0);
  expect(await row(res.outboxId)).toMatchObject({ status: 'stored', channel: 'sms' });
});

it('refuses a recipient that is not a phone number, without retrying and without storing it', async () => {
  const err = await deliverSms('sms-test:garbage', owner(), { to: 'ring mig', text: 'Hej' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).nonRetryable).toBe(true);
  expect(await ctx.orm.em.fork().count(OutboxMessage, { idempotencyKey: 'sms-test:garbage' })).toBe(0);
});

it('the test SMS centre lets in only its system id and password', async () => {
  const wrong = createSmppGateway({
    url: smsc.url.replace(PASSWORD, 'nope'),
    sender: 'Vardmote',
    onReceipt: async () => undefined,
  });
  try {
    await expect(wrong.send({ to: '+46701234567', text: 'x' })).rejects.toThrow(/refused the bind/);
  } finally {
    await wrong.close();
  }
  expect(smsc.url).toContain(`smpp://${TEST_SMSC_SYSTEM_ID}:`);
});

it('the test SMS centre refuses to start in production, as a function and as a process', async () => {
  await expect(startTestSmsc({ port: 0, password: PASSWORD }, { NODE_ENV: 'production' })).rejects.toThrow(
    /never runs in production/,
  );
  const main = path.resolve(__dirname, '..', '..', 'scripts', 'test-smsc', 'main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      TEST_SMSC_PORT: '1',
      TEST_SMSC_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toContain('never runs in production');
});

describe('pure parts', () => {
  it('reads a delivery receipt from its text, or from its TLVs', () => {
    const text = 'id:4f2a sub:001 dlvrd:001 submit date:2612051000 done date:2612051001 stat:DELIVRD err:000 text:Hej';
    const at = new Date('2026-12-05T09:01:00Z');
    expect(parseReceipt(text, {}, at)).toEqual({ messageId: '4f2a', state: 'delivered', at });
    expect(parseReceipt(text.replace('DELIVRD', 'UNDELIV'), {}, at)?.state).toBe('undeliverable');
    expect(parseReceipt(text.replace('DELIVRD', 'EXPIRED'), {}, at)?.state).toBe('expired');
    expect(parseReceipt(text.replace('DELIVRD', 'REJECTD'), {}, at)?.state).toBe('rejected');
    expect(parseReceipt(text.replace('DELIVRD', 'ACCEPTD'), {}, at)?.state).toBe('unknown');
    expect(parseReceipt('', { receiptedMessageId: 'x1', messageState: 5 }, at)).toEqual({
      messageId: 'x1',
      state: 'undeliverable',
      at,
    });
    expect(parseReceipt('no receipt here', {})).toBeNull();
  });

  it('picks data_coding: plain text as the default alphabet, anything else as UCS-2', () => {
    expect(encodeSmsText('Hello 10.00')).toMatchObject({ dataCoding: 0, single: true });
    expect(encodeSmsText('a'.repeat(160)).single).toBe(true);
    expect(encodeSmsText('a'.repeat(161)).single).toBe(false);
    expect(encodeSmsText('Hej@')).toMatchObject({ dataCoding: 8 });
    const sv = encodeSmsText('Vårdmöte');
    expect(sv.dataCoding).toBe(8);
    expect(sv.octets.toString('hex')).toBe('0056' + '00e5' + '0072' + '0064' + '006d' + '00f6' + '0074' + '0065');
    expect(encodeSmsText('ö'.repeat(70)).single).toBe(true);
    expect(encodeSmsText('ö'.repeat(71)).single).toBe(false);
  });
});
