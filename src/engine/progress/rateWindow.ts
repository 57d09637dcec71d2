/**
 * Items finished per second over a sliding window, from one-second buckets. A window
 * keeps the ETA steady when throughput is bursty, as it is when a wave of stops all wait
 * out the same grace period and then finish together.
 */
export class RateWindow {
  private readonly buckets: number[];
  /** The second the head bucket counts; undefined until the first call, since 0 is valid. */
  private bucketStart: number | undefined;
  private head = 0;
  private firstMs: number | undefined;

  constructor(private readonly windowSeconds = 10) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
  }

  add(nowMs: number, count = 1): void {
    this.advance(nowMs);
    this.firstMs ??= nowMs;
    this.buckets[this.head] = (this.buckets[this.head] ?? 0) + count;
  }

  /** Rate over the window, or over the time since the first item when that is shorter. */
  perSecond(nowMs: number): number {
    this.advance(nowMs);
    if (this.firstMs === undefined) {
      return 0;
    }
    const total = this.buckets.reduce((sum, n) => sum + n, 0);
    const spanMs = Math.min(this.windowSeconds * 1000, Math.max(1000, nowMs - this.firstMs));
    return (total * 1000) / spanMs;
  }

  /** Forgets what was counted, as when a retry or rollback starts a new phase. */
  reset(): void {
    this.buckets.fill(0);
    this.firstMs = undefined;
  }

  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (this.bucketStart === undefined) {
      this.bucketStart = second;
      return;
    }
    const steps = Math.min(this.windowSeconds, second - this.bucketStart);
    for (let i = 0; i < steps; i += 1) {
      this.head = (this.head + 1) % this.windowSeconds;
      this.buckets[this.head] = 0;
    }
    if (steps > 0) {
      this.bucketStart = second;
    }
  }
}
