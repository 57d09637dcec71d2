import PQueue from 'p-queue';

import { AbortError, isAbortError } from '../util/abort';
import { DEFAULT_HOST_CAP } from './concurrencyDefaults';

/**
 * The requests in flight to one engine, over every operation. Each operation keeps its own
 * window of requests (its limiter's limit) and hands them here with its priority, so when
 * the engine is shared, the higher-priority operation's requests go first.
 */
export class EngineQueue {
  private readonly queue: PQueue;

  constructor(readonly host: string, cap = DEFAULT_HOST_CAP) {
    this.queue = new PQueue({ concurrency: cap });
  }

  /** Requests in flight to the engine now. */
  get running(): number {
    return this.queue.pending;
  }

  /** Requests waiting for a free slot. */
  get waiting(): number {
    return this.queue.size;
  }

  /**
   * Runs `task` when a slot is free, higher `priority` first. An aborted `signal` removes a
   * waiting task at once (rejecting with an AbortError) and is passed to a running one.
   */
  run<T>(
    task: (signal: AbortSignal) => Promise<T>,
    priority: number,
    signal: AbortSignal,
  ): Promise<T> {
    const added = this.queue.add(({ signal: s }) => task(s ?? signal), { priority, signal });
    return (added as Promise<T>).catch((error: unknown) => {
      // p-queue rejects with the signal's reason, which can be any value; callers test for
      // an abort by name, so a reason such as "shutting down" must not read as a failure.
      throw signal.aborted && error === signal.reason && !isAbortError(error)
        ? new AbortError(undefined, { cause: error })
        : error;
    });
  }

  /** Resolves when nothing is waiting or running. */
  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }
}
