/**
 * Test-only fault injection points (the worker builds them from VARDMOTE_FAULT, which production
 * refuses): each hook runs at a moment a crash would hurt most, so a test can kill a part there.
 */
export interface ActivityFaults {
  /** After the charge is committed and before the activity returns. */
  afterFeeCommit?: (encounterId: string) => Promise<void>;
  /** Inside the fee transaction, holding the patient's row lock, before the commit. */
  inFeeTransaction?: (encounterId: string) => Promise<void>;
  /** Inside the booking transaction, before the commit. */
  inBookingTransaction?: (encounterId: string) => Promise<void>;
}

/**
 * The hooks for a VARDMOTE_FAULT spec, a comma list of:
 * `hang-after-fee-commit`, `hang-in-fee-transaction`, `hang-in-booking-transaction`, and
 * `hang-in:<ActivityType>+<ActivityType>…` (the first run in the process of each listed activity type).
 * Each hook prints `FAULT <what> <id>` on stdout (tests wait for it) and hangs for `hangMs`, once per process.
 */
export function faultsFromSpec(
  spec: string | undefined,
  hangMs: number,
): { hooks: ActivityFaults; hangInActivities: Set<string> } {
  const parts = new Set((spec ?? '').split(',').filter(Boolean));
  const fired = new Set<string>();
  const hang = (what: string) => async (id: string) => {
    if (fired.has(what)) return;
    fired.add(what);
    process.stdout.write(`FAULT ${what} ${id}\n`);
    await new Promise((r) => setTimeout(r, hangMs));
  };
  const hooks: ActivityFaults = {};
  if (parts.has('hang-after-fee-commit')) hooks.afterFeeCommit = hang('fee-committed');
  if (parts.has('hang-in-fee-transaction')) hooks.inFeeTransaction = hang('in-fee-transaction');
  if (parts.has('hang-in-booking-transaction')) hooks.inBookingTransaction = hang('in-booking-transaction');
  const types = [...parts].find((p) => p.startsWith('hang-in:'));
  return { hooks, hangInActivities: new Set(types ? types.slice('hang-in:'.length).split('+') : []) };
}
