import type { OperationKind, OperationOptions } from '../../model/operation';
import { clampConcurrency } from '../../queue/concurrencyDefaults';

/**
 * Requests in flight per host for `kind`: the caller's `concurrency`, else the queue's
 * default, so the plan's estimate assumes what the queue will actually do.
 */
export function batchSizeFor(kind: OperationKind, options?: OperationOptions): number {
  // The defaults (start 12, restart 12, stop 64, kill/pause/unpause 32, remove 24) follow
  // the daemon's cost: start and restart spawn a runc process each, so more in flight only
  // queues inside a CPU-bound engine; stop mostly waits out grace periods, which overlap;
  // the rest are cheap cgroup or bookkeeping work.
  return clampConcurrency(options?.concurrency, kind);
}
