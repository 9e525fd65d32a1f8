/** Business failures that retrying cannot fix: activities throw these as non-retryable. */
import { ApplicationFailure } from '@temporalio/common';

export const FAILURE_TYPES = ['SlotTaken', 'NotFound', 'Invalid'] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];

export function businessFailure(type: FailureType, message: string, field?: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(field ? [{ field }] : []));
}

/** PostgreSQL's unique_violation / exclusion_violation codes, as thrown by the driver. */
export function isConstraintViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '23505' || code === '23P01';
}
