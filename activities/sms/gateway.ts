/** The SMS port: what the activities need from an SMS gateway, whatever carries it (SMPP, or an HTTP API). */

export interface SmsMessage {
  /** The recipient in E.164, e.g. `+46701234567`. */
  to: string;
  text: string;
}

export interface SmsGateway {
  /** Resolves once the SMS centre accepted the message (submit_sm_resp OK), with its message id. */
  send(msg: SmsMessage): Promise<{ status: 'sent'; messageId: string }>;
  close(): Promise<void>;
}

export const SMS_DELIVERY_STATES = ['delivered', 'undeliverable', 'expired', 'rejected', 'unknown'] as const;
export type SmsDeliveryState = (typeof SMS_DELIVERY_STATES)[number];

/** A delivery receipt: what became of a message the SMS centre accepted. */
export type SmsReceipt = { messageId: string; state: SmsDeliveryState; at: Date };

/** The SMS centre refused a message; `permanent` when sending it again cannot help (a bad number). */
export class SmsRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsRefusedError';
  }
}
