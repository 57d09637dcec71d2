import type { OperationKind, OperationOptions } from '../../model/operation';
import { clampConcurrency } from '../../queue/concurrencyDefaults';

/**
 * Requests in flight per host for `kind`: the caller's `concurrency`, else the queue's
 * default, so the plan's estimate assumes what the queue will actually do.
 */
export function batchSizeFor(kind: OperationKind, options?: OperationOptions): number {
  // The defaults (start/pause/unpause 4, kill 8, restart 16, remove 32, stop 64) come from
  // the benchmark's fixed-concurrency sweeps: a start spawns a runc process, so more in
  // flight only queues inside a CPU-bound engine; stop mostly waits out grace periods, which
  // overlap, and restart does both. See DEFAULT_CONCURRENCY.
  return clampConcurrency(options?.concurrency, kind);
}
