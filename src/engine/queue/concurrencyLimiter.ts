/** What one finished engine request tells a limiter. */
export interface RequestSample {
  readonly latencyMs: number;
  /** False when the engine failed or did not answer; true for success and 304. */
  readonly ok: boolean;
  /** True when the request hit its deadline or the engine was unreachable. */
  readonly overloaded: boolean;
  /** Requests in flight for this operation when the request was sent. */
  readonly inFlight: number;
}

/**
 * Decides how many requests one operation may have in flight. The engine asks `limit`
 * before each dispatch and reports each finished request to `record`.
 */
export interface ConcurrencyLimiter {
  readonly limit: number;
  /** A short name for the UI and logs, such as "fixed" or "adaptive". */
  readonly mode: string;
  record(sample: RequestSample): void;
}

/** A limiter that never changes: the user pinned a number, or the kind's default. */
export class FixedLimiter implements ConcurrencyLimiter {
  readonly mode = 'fixed';

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`Expected the limit to be a whole number of at least 1, got ${limit}`);
    }
  }

  record(): void {
    // A fixed limit learns nothing.
  }
}
