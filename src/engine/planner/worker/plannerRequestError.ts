/** Why a planner request failed without the worker dying: a worker code or a bad reply. */
export type PlannerRequestErrorCode =
  | 'MALFORMED_REQUEST'
  | 'SNAPSHOT_MISSING'
  | 'PLAN_FAILED'
  | 'MALFORMED_REPLY'
  | 'DISPOSED';

/**
 * A planner request the worker refused or failed, or whose reply made no sense. `code`
 * says which, so callers can retry a SNAPSHOT_MISSING by uploading again.
 */
export class PlannerRequestError extends Error {
  override readonly name = 'PlannerRequestError';
  readonly code: PlannerRequestErrorCode;

  constructor(code: PlannerRequestErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** True for a PlannerRequestError, optionally only one with `code`. */
export function isPlannerRequestError(
  error: unknown,
  code?: PlannerRequestErrorCode,
): error is PlannerRequestError {
  return (
    error instanceof Error &&
    error.name === 'PlannerRequestError' &&
    (code === undefined || (error as PlannerRequestError).code === code)
  );
}
