import type { OperationKind } from '../model/operation';

/**
 * Requests in flight per operation kind when nothing better is known. Start and restart
 * make the engine burn CPU (a runc spawn each), so more in flight only queues inside the
 * daemon; stop mostly waits out a grace period and can go much wider; pause, unpause,
 * kill and remove are cheap cgroup or bookkeeping work.
 */
export const DEFAULT_CONCURRENCY: Readonly<Record<OperationKind, number>> = {
  start: 12,
  restart: 12,
  stop: 64,
  kill: 32,
  pause: 32,
  unpause: 32,
  remove: 24,
};

/** The most requests Stevedore ever has in flight to one engine, over all operations. */
export const DEFAULT_HOST_CAP = 128;

/** The bounds any configured or adapted limit is kept within. */
export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 256;

/** Clamps a requested concurrency into the bounds, falling back on the kind's default. */
export function clampConcurrency(value: number | undefined, kind: OperationKind): number {
  if (value === undefined || !Number.isFinite(value)) {
    return DEFAULT_CONCURRENCY[kind];
  }
  return Math.min(MAX_CONCURRENCY, Math.max(MIN_CONCURRENCY, Math.round(value)));
}
