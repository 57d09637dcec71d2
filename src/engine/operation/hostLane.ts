import { emptyCounts, type ItemCounts, type ItemState } from '../model/operation';
import type { ConcurrencyLimiter } from '../queue/concurrencyLimiter';
import { RateWindow } from '../progress/rateWindow';
import { FailureGuard, type FailureGuardOptions } from './failureGuard';

/**
 * One engine's share of an operation. Each host is dispatched, limited and guarded on its
 * own, so an engine that is slow, down or failing holds back only the items it carries.
 */
export class HostLane {
  readonly counts: ItemCounts = emptyCounts();
  readonly rate = new RateWindow();
  /** Requests of this operation at this engine now. */
  inFlight = 0;
  /** Why the failure guard holds this lane, while it does. */
  guardReason: string | undefined;
  private total = 0;
  private limiterValue: ConcurrencyLimiter | undefined;
  private readonly guard: FailureGuard;

  constructor(readonly host: string, guard: FailureGuardOptions) {
    this.guard = new FailureGuard(guard);
  }

  /** Counts one more item, in the state it has now. */
  addItem(state: ItemState): void {
    this.total += 1;
    this.counts[state] += 1;
  }

  move(from: ItemState, to: ItemState): void {
    this.counts[from] -= 1;
    this.counts[to] += 1;
  }

  get size(): number {
    return this.total;
  }

  get finished(): number {
    return this.total - this.counts.queued - this.counts.running;
  }

  /** The lane's limiter, made on first use so that idle hosts never open one. */
  limiter(make: () => ConcurrencyLimiter): ConcurrencyLimiter {
    this.limiterValue ??= make();
    return this.limiterValue;
  }

  /** The current limit, or 0 while no request was ever sent to this host. */
  get limit(): number {
    return this.limiterValue?.limit ?? 0;
  }

  /** Why the guard trips now, or undefined while this host's failure rate is acceptable. */
  checkGuard(): string | undefined {
    return this.guard.check(this.finished, this.counts.failed);
  }

  /** Counts failures afresh from here, after the user chose to continue. */
  rearmGuard(): void {
    this.guard.rearm(this.finished, this.counts.failed);
  }
}
