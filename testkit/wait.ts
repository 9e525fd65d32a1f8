/** The one waiter of tests and benchmarks: poll until something holds, or fail saying what never came. */

export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** Between two probes (default 100 ms). */
  intervalMs?: number;
  /** What the last probe saw, for the timeout's message. */
  detail?: () => string | undefined;
}

/**
 * Polls `probe` until it gives something other than undefined or false, and returns that. A probe
 * that throws counts as "not yet" (a query fails while a worker or server restarts); the last error
 * is in the timeout's message.
 * @param what - what is awaited, as the timeout's message names it ("the invoice to be paid")
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  opts: WaitOptions | number = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 100, detail } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const v = await Promise.resolve()
      .then(probe)
      .catch((err: unknown) => ((lastError = err), undefined));
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) {
      const seen = detail?.() ?? (lastError instanceof Error ? `last error: ${lastError.message}` : undefined);
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${seen ? `; ${seen}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
