/**
 * The worker's payload converter: Temporal's default one, plus a mark on every value whose payload
 * reached the worker in clear (the worker's codec says so in the payload's metadata). Bundled into
 * the workflow sandbox (bundleWorkflowCode's `payloadConverterPath`), so it imports nothing else.
 */
import { DefaultPayloadConverter, type Payload, type PayloadConverter } from '@temporalio/common';

/** Metadata the worker's codec puts on a payload that was not encrypted by us. */
export const ARRIVED_CLEAR_METADATA = 'vardmote-arrived-clear';

/**
 * The mark on a value that arrived in clear: a non-enumerable symbol, so JSON, spreads and equality
 * never see it and recorded histories replay exactly as before.
 */
const ARRIVED_CLEAR = Symbol.for('vardmote.arrived-clear');

/**
 * True for an object that did not arrive in clear. A primitive or null cannot carry the mark, and no
 * message of ours takes one, so it is never trusted either.
 * @param value - a signal's or update's argument as the workflow received it
 */
export function isTrustedArgument(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(ARRIVED_CLEAR in value);
}

class MarkingPayloadConverter implements PayloadConverter {
  private readonly inner = new DefaultPayloadConverter();

  toPayload<T>(value: T): Payload {
    return this.inner.toPayload(value);
  }

  fromPayload<T>(payload: Payload): T {
    const value = this.inner.fromPayload<T>(payload);
    if (payload.metadata?.[ARRIVED_CLEAR_METADATA] && typeof value === 'object' && value !== null)
      Object.defineProperty(value, ARRIVED_CLEAR, { value: true, enumerable: false });
    return value;
  }
}

export const payloadConverter: PayloadConverter = new MarkingPayloadConverter();
