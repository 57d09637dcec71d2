/** A schedule that cannot be added or found; the message is a sentence for the user. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

/** True for a ScheduleError, also across module copies. */
export function isScheduleError(error: unknown): error is ScheduleError {
  return error instanceof Error && error.name === 'ScheduleError';
}
