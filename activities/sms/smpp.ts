/** The SMS port over SMPP 3.4 (npm `smpp`): one bound transceiver session to the SMS centre, bound again on demand. */
import type { ConnectionOptions } from 'node:tls';
import * as smpp from 'smpp';
import { SmsRefusedError, type SmsDeliveryState, type SmsGateway, type SmsReceipt } from './gateway';

export interface SmppGatewayOptions {
  /** `smpp://system_id:password@host:port`, or `smpps://…` for TLS. */
  url: string;
  /** The alphanumeric sender shown on the phone (at most 11 characters), or a number. */
  sender: string;
  /** Called for each delivery receipt; when it rejects, the SMS centre is told to try again later. */
  onReceipt: (receipt: SmsReceipt) => Promise<void>;
  /** TLS options for smpps:// (e.g. the CA of a test peer). */
  tls?: ConnectionOptions;
  /** How long to wait for the connection, the bind or an answer to a PDU. */
  timeoutMs?: number;
  /** Warnings without message text or numbers (a receipt that could not be recorded, a lost session). */
  warn?: (fields: Record<string, unknown>, message: string) => void;
}

/** The parts of an SMPP URL. */
export function parseSmppUrl(url: string) {
  const u = new URL(url);
  if (u.protocol !== 'smpp:' && u.protocol !== 'smpps:') throw new Error('SMPP_URL must be smpp:// or smpps://');
  const tls = u.protocol === 'smpps:';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port || (tls ? 3550 : 2775)),
    tls,
    systemId: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/**
 * Characters whose GSM 03.38 code equals their ASCII code: text of these alone goes as data_coding 0 and
 * reads the same whether the SMS centre's default alphabet is GSM or ASCII. Anything else (å ä ö, @, €)
 * goes as UCS-2 (data_coding 8), which every SMS centre reads the one way: 70 characters a part, not 160.
 */
const SAME_IN_GSM_AND_ASCII = /^[A-Za-z0-9 \r\n!"#%&'()*+,\-./:;<=>?]*$/;

/** data_coding and octets for a text, and whether it fits one SMS (else it goes as message_payload). */
export function encodeSmsText(text: string): { dataCoding: number; octets: Buffer; single: boolean } {
  if (SAME_IN_GSM_AND_ASCII.test(text)) {
    const octets = Buffer.from(text, 'ascii');
    return { dataCoding: 0x00, octets, single: octets.length <= 160 };
  }
  const octets = Buffer.from(text, 'utf16le').swap16();
  return { dataCoding: 0x08, octets, single: octets.length <= 140 };
}

const STAT: Record<string, SmsDeliveryState> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undeliverable',
  DELETED: 'undeliverable',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
};
/** message_state TLV values (SMPP 3.4 §5.3.2.35). */
const STATE: Record<number, SmsDeliveryState> = {
  2: 'delivered',
  3: 'expired',
  4: 'undeliverable',
  5: 'undeliverable',
  8: 'rejected',
};

/**
 * A delivery receipt from deliver_sm: the receipted_message_id and message_state TLVs where the SMS
 * centre sends them, else its text (`id:… sub:… dlvrd:… submit date:… done date:… stat:DELIVRD err:… text:…`).
 * `at` is when it arrived: the text's dates carry no time zone.
 */
export function parseReceipt(
  text: string,
  tlv: { receiptedMessageId?: string; messageState?: number },
  at = new Date(),
): SmsReceipt | null {
  const messageId = tlv.receiptedMessageId || /\bid:(\S+)/i.exec(text)?.[1];
  if (!messageId) return null;
  const stat = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  const state: SmsDeliveryState =
    (stat ? STAT[stat] : undefined) ??
    (tlv.messageState !== undefined ? STATE[tlv.messageState] : undefined) ??
    'unknown';
  return { messageId, state, at };
}

const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));
const statusName = (code: number) => `${STATUS_NAMES.get(code) ?? 'status'} 0x${code.toString(16).padStart(4, '0')}`;
/** Refusals that sending again cannot change: bad addresses. */
const PERMANENT = new Set([0x0a, 0x0b, 0x48, 0x49, 0x50, 0x51]);

const textOf = (m: smpp.PDU['short_message']) =>
  m === undefined ? '' : Buffer.isBuffer(m) || typeof m === 'string' ? String(m) : String(m.message);

interface Bound {
  session: smpp.Session;
  /** Rejects every send waiting for an answer when the session is lost. */
  waiting: Set<(err: Error) => void>;
}

/**
 * The SMPP adapter of the SMS port. Nothing connects until the first send; a lost session is bound
 * again by the next send, and a send while the SMS centre is unreachable rejects (the activity retries).
 * @param opts - URL, sender, what to do with receipts
 */
export function createSmppGateway(opts: SmppGatewayOptions): SmsGateway {
  const target = parseSmppUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const warn = opts.warn ?? (() => undefined);
  const numericSender = /^\+?\d{1,15}$/.test(opts.sender);
  let current: Promise<Bound> | null = null;
  /** Which bind `current` is: a session lost late must not forget a newer one. */
  let generation = 0;
  let closed = false;

  function bind(gen: number): Promise<Bound> {
    return new Promise((resolve, reject) => {
      const session = smpp.connect({
        ...opts.tls,
        host: target.host,
        port: target.port,
        tls: target.tls,
        // Keeps an idle session (and any NAT on the way) alive between reminders.
        auto_enquire_link_period: 30_000,
      });
      const waiting = new Set<(err: Error) => void>();
      let bound = false;
      let gone = false;
      const lost = (err: Error) => {
        if (gone) return;
        gone = true;
        clearTimeout(timer);
        if (generation === gen) current = null;
        for (const fail of waiting) fail(err);
        waiting.clear();
        if (!bound) reject(err);
        else if (!closed) warn({ err: err.message }, 'SMPP session lost; the next send binds again');
        session.destroy();
      };
      const timer = setTimeout(() => lost(new Error(`SMS centre did not bind within ${timeoutMs} ms`)), timeoutMs);
      session.on('error', (e: Error) => lost(new Error(`SMS centre connection failed: ${e.message}`)));
      session.on('close', () => lost(new Error('SMS centre connection closed')));
      session.on(target.tls ? 'secureConnect' : 'connect', () => {
        session.bind_transceiver(
          { system_id: target.systemId, password: target.password, interface_version: 0x34 },
          (pdu) => {
            if (pdu.command_status !== 0)
              return lost(new Error(`SMS centre refused the bind (${statusName(pdu.command_status)})`));
            clearTimeout(timer);
            bound = true;
            resolve({ session, waiting });
          },
        );
      });
      session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: smpp.PDU) => {
        session.send(pdu.response());
        session.close();
      });
      session.on('deliver_sm', (pdu: smpp.PDU) => void answerDeliver(session, pdu));
    });
  }

  /** A receipt is answered once it is recorded; a failure asks the SMS centre to send it again later. */
  async function answerDeliver(session: smpp.Session, pdu: smpp.PDU): Promise<void> {
    // esm_class bits 2–5 give the message type; 0x04 is the SMS centre's delivery receipt.
    const receipt =
      ((pdu.esm_class ?? 0) & 0x3c) === smpp.ESM_CLASS.MC_DELIVERY_RECEIPT
        ? parseReceipt(textOf(pdu.short_message) || textOf(pdu.message_payload), {
            receiptedMessageId: pdu.receipted_message_id,
            messageState: pdu.message_state,
          })
        : null;
    if (!receipt) return void session.send(pdu.response());
    try {
      await opts.onReceipt(receipt);
      session.send(pdu.response());
    } catch (err) {
      warn(
        { messageId: receipt.messageId, err: String(err) },
        'SMS delivery receipt not recorded; the SMS centre will retry',
      );
      session.send(pdu.response({ command_status: smpp.ESME_RX_T_APPN }));
    }
  }

  function session(): Promise<Bound> {
    if (closed) return Promise.reject(new Error('the SMS gateway is closed'));
    if (!current) {
      current = bind(++generation);
      // A failed bind is forgotten (in `lost`); this only keeps the rejection from going unhandled.
      current.catch(() => undefined);
    }
    return current;
  }

  return {
    async send(msg) {
      if (!/^\+[1-9]\d{6,14}$/.test(msg.to))
        throw new SmsRefusedError('the recipient is not an E.164 number', 0x0b, true);
      const { dataCoding, octets, single } = encodeSmsText(msg.text);
      const { session: s, waiting } = await session();
      return new Promise((resolve, reject) => {
        const fail = (err: Error) => {
          clearTimeout(timer);
          waiting.delete(fail);
          reject(err);
        };
        // No answer: the session is not trusted any more, so the next send binds a new one.
        const timer = setTimeout(() => {
          fail(new Error(`SMS centre did not answer submit_sm within ${timeoutMs} ms`));
          s.destroy();
        }, timeoutMs);
        waiting.add(fail);
        const written = s.submit_sm(
          {
            source_addr_ton: numericSender ? smpp.TON.INTERNATIONAL : smpp.TON.ALPHANUMERIC,
            source_addr_npi: numericSender ? smpp.NPI.ISDN : smpp.NPI.UNKNOWN,
            source_addr: opts.sender.replace(/^\+/, ''),
            dest_addr_ton: smpp.TON.INTERNATIONAL,
            dest_addr_npi: smpp.NPI.ISDN,
            destination_addr: msg.to.slice(1),
            registered_delivery: smpp.REGISTERED_DELIVERY.FINAL,
            data_coding: dataCoding,
            // Longer texts go whole in message_payload: one message id, one receipt, the SMS centre splits it.
            short_message: single ? octets : Buffer.alloc(0),
            ...(single ? {} : { message_payload: octets }),
          },
          (resp) => {
            clearTimeout(timer);
            waiting.delete(fail);
            if (resp.command_status === 0) return resolve({ status: 'sent', messageId: String(resp.message_id) });
            const code = resp.command_status;
            reject(
              new SmsRefusedError(`SMS centre refused the message (${statusName(code)})`, code, PERMANENT.has(code)),
            );
          },
        );
        if (!written) fail(new Error('SMS centre connection is not open'));
      });
    },

    async close() {
      closed = true;
      const p = current;
      current = null;
      generation++;
      const bound = p ? await p.catch(() => null) : null;
      if (!bound) return;
      const s = bound.session;
      if (s.socket.destroyed) return;
      // Unbind politely; the SMS centre closes after unbind_resp, or we cut the session after 2 s.
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => s.destroy(), 2000);
        s.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        if (!s.unbind({}, () => s.close())) s.destroy();
      });
    },
  };
}
