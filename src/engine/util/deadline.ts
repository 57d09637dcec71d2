/** The reason a deadline aborts with; its name tells it apart from a caller's cancel. */
export class DeadlineExceededError extends Error {
  override readonly name = 'TimeoutError';

  constructor(readonly ms: number) {
    super(`No answer within ${ms} ms`);
  }
}

/**
 * Runs `fn` with a signal that aborts when the caller's `signal` does or when `ms` pass.
 * Listeners and the timer are released when `fn` settles, so a long-lived caller signal
 * shared by thousands of calls does not accumulate listeners (AbortSignal.any would).
 */
export async function withDeadline<T>(
  signal: AbortSignal,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) {
    controller.abort(signal.reason);
  } else {
    signal.addEventListener('abort', onAbort, { once: true });
  }
  const timer = setTimeout(() => controller.abort(new DeadlineExceededError(ms)), ms);

  try {
    return await fn(controller.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** True when `signal` was aborted by its deadline rather than by a caller. */
export function abortedByDeadline(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof DeadlineExceededError;
}
