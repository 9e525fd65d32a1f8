/**
 * The local TEST SMS centre (issue 27): an SMPP 3.4 server on the `smpp` library's own server, standing
 * in for the region's SMS gateway as the test journal stands in for its EHR. It lets in one system_id and
 * password (bind_transceiver), answers submit_sm with a message id, keeps every message in memory, and
 * shortly after sends a delivery receipt (deliver_sm) as an SMS centre does: `stat:DELIVRD`, except for a
 * number ending in 0000, which gets `stat:UNDELIV` (so tests and the demo can show a failed delivery).
 * Nothing reaches a phone. Plainly a test service: it refuses production and binds 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';
import { TEST_SMSC_SYSTEM_ID } from '../../config-checks';

export { TEST_SMSC_SYSTEM_ID };

/** A number ending in this gets an UNDELIV receipt. */
export const UNDELIVERABLE_SUFFIX = '0000';

export interface TestSmscMessage {
  messageId: string;
  /** The destination as sent, with its ton/npi (international/ISDN for E.164). */
  to: string;
  toTon: number;
  toNpi: number;
  from: string;
  fromTon: number;
  dataCoding: number;
  /** The text decoded by its data_coding, from short_message or message_payload. */
  text: string;
  /** Whether the text came in message_payload (a long message) rather than short_message. */
  viaPayload: boolean;
  registeredDelivery: number;
  receivedAt: Date;
  /** The receipt's stat once the ESME answered it OK; null until then. */
  receipt: 'DELIVRD' | 'UNDELIV' | null;
}

export interface TestSmsc {
  /** `smpp://system_id:password@127.0.0.1:port` for SMPP_URL. */
  url: string;
  port: number;
  messages: TestSmscMessage[];
  stop(): Promise<void>;
}

export interface TestSmscOptions {
  /** 0: any free port. */
  port: number;
  host?: '127.0.0.1';
  systemId?: string;
  password: string;
  /** How long after submit_sm the receipt goes out. */
  receiptDelayMs?: number;
  /** Between tries of a receipt the ESME did not answer OK (at most 20 tries, as an SMS centre retries). */
  receiptRetryMs?: number;
}

/** SMPP time `YYMMDDhhmm` (the receipt's submit and done dates). */
const smppTime = (d: Date) => d.toISOString().replace(/\D/g, '').slice(2, 12);

const textOf = (m: smpp.PDU['short_message']) =>
  m === undefined ? '' : Buffer.isBuffer(m) || typeof m === 'string' ? String(m) : String(m.message);

/**
 * Starts the test SMS centre.
 * @param opts - its port, the one system_id and password it accepts, receipt timing
 * @param env - refuses to start when NODE_ENV is production
 */
export async function startTestSmsc(opts: TestSmscOptions, env: NodeJS.ProcessEnv = process.env): Promise<TestSmsc> {
  if (env.NODE_ENV === 'production')
    throw new Error('the test SMS centre is a test service and never runs in production');
  const systemId = opts.systemId ?? TEST_SMSC_SYSTEM_ID;
  const messages: TestSmscMessage[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };

  function sendReceipt(session: smpp.Session, m: TestSmscMessage, attempt: number) {
    const stat = m.to.endsWith(UNDELIVERABLE_SUFFIX) ? 'UNDELIV' : 'DELIVRD';
    const ok = stat === 'DELIVRD';
    const now = new Date();
    // As SMS centres do, the receipt is plain ASCII: the excerpt of the text loses its å ä ö.
    const excerpt = m.text.slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
    const text =
      `id:${m.messageId} sub:001 dlvrd:${ok ? '001' : '000'} submit date:${smppTime(m.receivedAt)} ` +
      `done date:${smppTime(now)} stat:${stat} err:${ok ? '000' : '001'} text:${excerpt}`;
    session.deliver_sm(
      {
        source_addr_ton: m.toTon,
        source_addr_npi: m.toNpi,
        source_addr: m.to,
        dest_addr_ton: m.fromTon,
        destination_addr: m.from,
        esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
        data_coding: 0x00,
        short_message: Buffer.from(text, 'ascii'),
        receipted_message_id: m.messageId,
        message_state: ok ? smpp.MESSAGE_STATE.DELIVERED : smpp.MESSAGE_STATE.UNDELIVERABLE,
      },
      (resp) => {
        if (resp.command_status === 0) m.receipt = stat;
        else if (attempt < 20) later(opts.receiptRetryMs ?? 500, () => sendReceipt(session, m, attempt + 1));
      },
    );
  }

  const server = smpp.createServer({}, (session) => {
    let bound = false;
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      if (pdu.system_id !== systemId || pdu.password !== opts.password) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        return session.close();
      }
      bound = true;
      session.send(pdu.response({ system_id: systemId }));
    });
    for (const other of ['bind_transmitter', 'bind_receiver'])
      session.on(other, (pdu: smpp.PDU) => session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL })));
    session.on('submit_sm', (pdu: smpp.PDU) => {
      if (!bound) return void session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS }));
      const payload = textOf(pdu.message_payload);
      const m: TestSmscMessage = {
        // Random, as a restarted SMS centre must not hand out an id it gave before.
        messageId: randomBytes(8).toString('hex'),
        to: pdu.destination_addr ?? '',
        toTon: pdu.dest_addr_ton ?? 0,
        toNpi: pdu.dest_addr_npi ?? 0,
        from: pdu.source_addr ?? '',
        fromTon: pdu.source_addr_ton ?? 0,
        dataCoding: pdu.data_coding ?? 0,
        text: payload || textOf(pdu.short_message),
        viaPayload: Boolean(payload),
        registeredDelivery: pdu.registered_delivery ?? 0,
        receivedAt: new Date(),
        receipt: null,
      };
      messages.push(m);
      session.send(pdu.response({ message_id: m.messageId }));
      if (m.registeredDelivery & 0x03) later(opts.receiptDelayMs ?? 200, () => sendReceipt(session, m, 1));
    });
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smpp://${encodeURIComponent(systemId)}:${encodeURIComponent(opts.password)}@127.0.0.1:${port}`,
    port,
    messages,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        // Sessions are cut, not unbound: to the ESME the SMS centre is simply gone.
        for (const s of [...server.sessions]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
