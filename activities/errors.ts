/** Business failures that retrying cannot fix: activities throw these as non-retryable. */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityFailureType } from '../domain/failures';

/**
 * @param field - the input field at fault
 * @param reason - which of the type's cases it is, for the words a person reads (e.g. 'already-credited')
 */
export function businessFailure(
  type: ActivityFailureType,
  message: string,
  field?: string,
  reason?: string,
): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(field || reason ? [{ field, reason }] : []));
}

/** PostgreSQL's unique_violation / exclusion_violation codes, as thrown by the driver. */
export function isConstraintViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '23505' || code === '23P01';
}
