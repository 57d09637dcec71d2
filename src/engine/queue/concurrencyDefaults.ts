import type { OperationKind } from '../model/operation';

/**
 * Requests in flight per operation kind when nothing better is known, from the benchmark's
 * fixed-concurrency sweeps on a two-core host (docs/benchmarks.md): start, pause and unpause
 * did best at 4 on a busy machine (the daemon is CPU-bound, and more in flight only queues
 * inside it, or for pause and unpause made it slower), kill at 8, remove at 32, and stop at
 * 64, as a stop mostly waits out a grace period that overlaps with the others'. Restart is
 * 16: it did best at 8 on a busy machine and at 32 on an idle one, and 16 came within 6% of
 * the best on both, where 8 lost a third on the idle one. The adaptive limiter moves from
 * here; the limit memory never starts a run below these.
 */
export const DEFAULT_CONCURRENCY: Readonly<Record<OperationKind, number>> = {
  start: 4,
  restart: 16,
  stop: 64,
  kill: 8,
  pause: 4,
  unpause: 4,
  remove: 32,
};

/** The most requests Stevedore ever has in flight to one engine, over all operations. */
export const DEFAULT_HOST_CAP = 128;

/**
 * The most an adaptive limiter may climb to per kind. Stop, restart and kill wait on
 * processes that ignore or handle signals: past 64 in flight the benchmark saw no gain
 * (a stop climbed to 216 and was slower than a fixed 64), and dockerd 20.10 once deadlocked
 * under 1000 concurrent stops. The others stop at the host cap.
 */
export const ADAPTIVE_MAX_CONCURRENCY: Readonly<Record<OperationKind, number>> = {
  start: DEFAULT_HOST_CAP,
  restart: 64,
  stop: 64,
  kill: 64,
  pause: DEFAULT_HOST_CAP,
  unpause: DEFAULT_HOST_CAP,
  remove: DEFAULT_HOST_CAP,
};

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
