/** The part of the `smpp` library (plain JS, no types) that the SMS port and the test SMS centre use. */
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { ConnectionOptions } from 'node:tls';

  /** A decoded short_message / message_payload: the text in its data_coding, and any UDH. */
  export interface DecodedMessage {
    message: string | Buffer;
    udh?: Buffer[];
  }

  /** A PDU: header fields, then the command's parameters and TLVs by their names in the specification. */
  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_status: number;
    sequence_number: number;
    system_id?: string;
    password?: string;
    interface_version?: number;
    message_id?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    registered_delivery?: number;
    data_coding?: number;
    short_message?: DecodedMessage | Buffer | string;
    message_payload?: DecodedMessage | Buffer | string;
    receipted_message_id?: string;
    message_state?: number;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
  }

  type Answer = (pdu: PDU) => void;

  export class Session extends EventEmitter {
    socket: Socket;
    /** False when the socket is not writable (nothing was sent). */
    send(pdu: PDU, responseCallback?: Answer, sendCallback?: Answer): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, responseCallback?: Answer): boolean;
    submit_sm(options: Record<string, unknown>, responseCallback?: Answer): boolean;
    deliver_sm(options: Record<string, unknown>, responseCallback?: Answer): boolean;
    enquire_link(options?: Record<string, unknown>, responseCallback?: Answer): boolean;
    unbind(options?: Record<string, unknown>, responseCallback?: Answer): boolean;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export interface ConnectOptions extends ConnectionOptions {
    host: string;
    port: number;
    tls?: boolean;
    auto_enquire_link_period?: number;
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(
    options: { key?: string | Buffer; cert?: string | Buffer },
    listener?: (session: Session) => void,
  ): Server;

  /** Command status codes by name (ESME_ROK, ESME_RBINDFAIL, …). */
  export const errors: Record<string, number>;
  export const ESME_ROK: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RINVDSTADR: number;
  export const ESME_RX_T_APPN: number;
  export const ESM_CLASS: Record<string, number>;
  export const REGISTERED_DELIVERY: Record<string, number>;
  export const MESSAGE_STATE: Record<string, number>;
  export const TON: Record<string, number>;
  export const NPI: Record<string, number>;
  export const ENCODING: Record<string, number>;
}
