/**
 * `setHandler` for every workflow here: an update or signal whose argument reached Temporal in clear
 * (not encrypted by our codec, so not sent by our own processes) is never acted on.
 */
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, log, patched, setHandler as sdkSetHandler } from '@temporalio/workflow';
import type {
  Handler,
  QueryHandlerOptions,
  SignalHandlerOptions,
  UpdateHandlerOptions,
} from '@temporalio/workflow/lib/interfaces';
import { isTrustedArgument } from '../temporal/payload-converter';

/**
 * Signals that arrived in clear used to be acted on; histories recorded before this patch (clear
 * ones among them) take that path on replay.
 */
export const IGNORE_CLEAR_SIGNALS_PATCH = 'ignore-clear-signals';

/**
 * Every argument is an object that came encrypted through our codec. A signal without arguments
 * (balanceChanged: look at the balance again) carries nothing to forge, so it passes.
 */
const trusted = (args: unknown[]): boolean => args.every(isTrustedArgument);

/**
 * Registers a handler as the SDK's `setHandler` does, with the payload's origin checked first:
 * - an update in clear is refused in its validator (type `Unencrypted`): validators do not run on
 *   replay and a refused update writes nothing to history, so this needs no patch;
 * - a signal in clear is logged and ignored. A signal cannot be refused and a throw would fail the
 *   workflow task over and over (anyone could jam the workflow), so it returns without effect.
 * Queries are read-only and registered unchanged.
 * @param def - the message's definition (workflows/*.messages.ts)
 * @param handler - what the message does
 * @param options - the SDK's handler options; an update's own validator runs after the origin check
 */
// The overloads are the SDK's own, `any[]` included: with `unknown[]` TypeScript no longer infers an
// update's arguments for its validator.
/* eslint-disable @typescript-eslint/no-explicit-any */
export function setHandler<Ret, Args extends any[], T extends QueryDefinition<Ret, Args>>(
  def: T,
  handler: Handler<Ret, Args, T>,
  options?: QueryHandlerOptions,
): void;
export function setHandler<Ret, Args extends any[], T extends SignalDefinition<Args>>(
  def: T,
  handler: Handler<Ret, Args, T>,
  options?: SignalHandlerOptions,
): void;
export function setHandler<Ret, Args extends any[], T extends UpdateDefinition<Ret, Args>>(
  def: T,
  handler: Handler<Ret, Args, T>,
  options?: UpdateHandlerOptions<Args>,
): void;
/* eslint-enable @typescript-eslint/no-explicit-any */
export function setHandler(
  def: QueryDefinition<unknown, unknown[]> | SignalDefinition<unknown[]> | UpdateDefinition<unknown, unknown[]>,
  handler: (...args: unknown[]) => unknown,
  options?: UpdateHandlerOptions<unknown[]>,
): void {
  if (def.type === 'signal') {
    sdkSetHandler(
      def,
      (...args: unknown[]) => {
        if (trusted(args) || !patched(IGNORE_CLEAR_SIGNALS_PATCH)) return handler(...args) as void;
        // Only the name: the arguments may hold patient data.
        log.warn('ignored a signal that reached Temporal in clear', { signal: def.name });
      },
      options,
    );
  } else if (def.type === 'update') {
    sdkSetHandler(def, handler, {
      ...options,
      validator: (...args: unknown[]) => {
        if (!trusted(args))
          throw ApplicationFailure.create({
            type: 'Unencrypted',
            message: `update '${def.name}' reached Temporal in clear: only Vårdmöte's own processes may send it`,
            nonRetryable: true,
          });
        options?.validator?.(...args);
      },
    });
  } else sdkSetHandler(def, handler as () => unknown, options);
}
