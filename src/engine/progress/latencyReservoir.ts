/**
 * Keeps a bounded, uniformly random sample of latencies (Vitter's algorithm R), so
 * percentiles over 100,000 requests cost the same memory as over 4,000.
 */
export class LatencyReservoir {
  private readonly samples: number[] = [];
  private seen = 0;

  constructor(private readonly capacity = 4096) {}

  get count(): number {
    return this.seen;
  }

  add(ms: number): void {
    this.seen += 1;
    if (this.samples.length < this.capacity) {
      this.samples.push(ms);
      return;
    }
    const slot = Math.floor(Math.random() * this.seen);
    if (slot < this.capacity) {
      this.samples[slot] = ms;
    }
  }

  /** Percentiles by nearest rank; zeros when nothing was recorded. */
  percentiles(): { p50: number; p95: number; p99: number } {
    if (this.samples.length === 0) {
      return { p50: 0, p95: 0, p99: 0 };
    }
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number): number =>
      sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}
