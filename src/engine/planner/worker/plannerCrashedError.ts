/**
 * Rejects every request that was waiting when the planner worker died. `cause` is what
 * killed it (the uncaught error, or the exit code); the next request starts a fresh worker.
 */
export class PlannerCrashedError extends Error {
  override readonly name = 'PlannerCrashedError';

  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`The planner worker stopped unexpectedly: ${reason}`, { cause });
  }
}

/** True for a PlannerCrashedError, from this realm or another. */
export function isPlannerCrashedError(error: unknown): error is PlannerCrashedError {
  return error instanceof Error && error.name === 'PlannerCrashedError';
}
