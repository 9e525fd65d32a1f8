/** Business failures that retrying cannot fix: activities throw these as non-retryable. */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityFailureType } from '../domain/failures';

export function businessFailure(type: ActivityFailureType, message: string, field?: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(field ? [{ field }] : []));
}

/** PostgreSQL's unique_violation / exclusion_violation codes, as thrown by the driver. */
export function isConstraintViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '23505' || code === '23P01';
}
