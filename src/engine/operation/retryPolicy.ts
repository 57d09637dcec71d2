/** How transient failures are retried: a bounded count, exponential backoff, full jitter. */
export interface RetryPolicy {
  /** Attempts after the first one. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
};

/**
 * The wait before retry number `retry` (1-based). Full jitter spreads the retries of many
 * items that failed together, so they do not hit a recovering engine at the same instant.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}
