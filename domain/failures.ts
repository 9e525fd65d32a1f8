/** Business failures of the encounter: each type once, with whether an activity may retry it and the HTTP status the API answers. */

export const FAILURES = {
  /** The slot has a live booking already. */
  SlotTaken: { status: 409, activity: true },
  /** A referenced encounter or slot does not exist. */
  NotFound: { status: 404, activity: true },
  /** The input itself is wrong. */
  Invalid: { status: 400, activity: true },
  /** Not this caller's to do (role, booked clinician). */
  WrongActor: { status: 403, activity: false },
  /** Not in the encounter's current step. */
  WrongStep: { status: 409, activity: false },
  /** Not possible in the record's present state (a charge already credited, a fee that may not be waived). */
  Refused: { status: 409, activity: true },
  /** Another update of the encounter is running. */
  /** The message reached Temporal in clear, so not from our own processes: it is not acted on. */
  Unencrypted: { status: 403, activity: false },
} as const;

export type FailureType = keyof typeof FAILURES;
export type ActivityFailureType = {
  [K in FailureType]: (typeof FAILURES)[K]['activity'] extends true ? K : never;
}[FailureType];

/** Failure types activities throw as non-retryable: retrying cannot fix them. */
export const ACTIVITY_FAILURE_TYPES = (Object.keys(FAILURES) as FailureType[]).filter(
  (t) => FAILURES[t].activity,
) as ActivityFailureType[];

export const isFailureType = (t: string | undefined | null): t is FailureType =>
  t != null && Object.hasOwn(FAILURES, t);
