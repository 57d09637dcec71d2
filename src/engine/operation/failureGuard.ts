/** When the failure guard pauses an operation. */
export interface FailureGuardOptions {
  /** Fraction of finished items that may fail before the guard trips, from 0 to 1. */
  readonly threshold: number;
  /** Finished items needed before the rate means anything. */
  readonly minSample: number;
}

export const DEFAULT_FAILURE_GUARD: FailureGuardOptions = { threshold: 0.05, minSample: 20 };

/**
 * Trips when failures pass the threshold after a minimum sample, so an operation that is
 * going wrong stops for a decision instead of ploughing on through 1000 containers. After
 * the user says continue, it counts afresh from that point.
 */
export class FailureGuard {
  private finishedAtArm = 0;
  private failedAtArm = 0;

  constructor(private readonly options: FailureGuardOptions) {}

  /** Returns why it trips with these totals, or undefined while the rate is acceptable. */
  check(finished: number, failed: number): string | undefined {
    const sample = finished - this.finishedAtArm;
    const failures = failed - this.failedAtArm;
    if (sample < this.options.minSample || failures === 0) {
      return undefined;
    }
    const rate = failures / sample;
    if (rate <= this.options.threshold) {
      return undefined;
    }
    const percent = (x: number): string => `${Math.round(x * 1000) / 10}%`;
    return (
      `${failures} of ${sample} items failed (${percent(rate)}), ` +
      `above the ${percent(this.options.threshold)} threshold`
    );
  }

  /** Starts counting afresh from these totals. */
  rearm(finished: number, failed: number): void {
    this.finishedAtArm = finished;
    this.failedAtArm = failed;
  }
}
