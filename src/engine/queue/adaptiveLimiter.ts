import type { OperationKind } from '../model/operation';
import {
  ADAPTIVE_MAX_CONCURRENCY,
  DEFAULT_CONCURRENCY,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
} from './concurrencyDefaults';
import type { ConcurrencyLimiter, RequestSample } from './concurrencyLimiter';

/** How an adaptive limiter is set up; only `kind` is required. */
export interface AdaptiveLimiterOptions {
  readonly kind: OperationKind;
  /** Where to start, such as a remembered limit; the kind's default when not given. */
  readonly initial?: number;
  readonly min?: number;
  /** The highest limit it may climb to; the kind's adaptive maximum when not given. */
  readonly max?: number;
  /** Milliseconds on any steady scale; injected so that tests drive time. */
  readonly now?: () => number;
}

/** What the UI shows about an adaptive limiter. */
export interface AdaptiveLimiterView {
  readonly mode: 'adaptive';
  readonly limit: number;
  /** Requests finished per second in the last measured window; 0 before the first. */
  readonly throughputPerSecond: number;
  /** The lowest mean latency of any window so far; undefined before the first. */
  readonly baselineLatencyMs?: number;
}

/** What a limiter learned over its operation, for the limit memory. */
export interface AdaptiveLimiterSummary {
  readonly limit: number;
  /** Successful requests per second over the limiter's life; undefined when too few. */
  readonly ratePerSecond?: number;
  readonly samples: number;
  /** Windows measured; 0 means the limit was never put to the test. */
  readonly windows: number;
}

type Direction = 'up' | 'down';

/** A window needs this many samples at least, so one slow reply does not decide alone. */
const MIN_WINDOW_SAMPLES = 16;
/** A probe up must win at least this share of its proportional gain to be kept. */
const GAIN_SHARE = 0.5;
/**
 * A probe down may lose at most this share of its proportional drop. Lower than the share
 * up: with 0.5 each step down could cost up to a tenth of the rate, and on a noisy daemon
 * the steps added up run after run (pause went from 32 to 2 in the benchmark).
 */
const LOSS_SHARE = 0.3;
/** The best rate seen fades by this much per window, so that one lucky window does not rule. */
const PEAK_FADE = 0.97;
/** A settled window this far under the best rate means the engine changed: start afresh. */
const REGIME_CHANGE = 0.6;
const DOWN_FACTOR = 0.8;
/** Windows spent at a limit after a failed probe before the next probe. */
const HOLD_WINDOWS = 2;
/** Mean latency this far over the baseline makes the next probe go down first. */
const LATENCY_TOLERANCE = 2;
/** Lets the baseline rise slowly, as the engine does get slower with more containers running. */
const BASELINE_DRIFT = 1.05;
/** Timeouts and an unreachable engine halve the limit; a 5xx can be one container's fault. */
const OVERLOAD_CUT = 0.5;
const SERVER_ERROR_CUT = 0.8;
/** Fewer successful requests than this make no rate worth remembering. */
const MIN_RATE_SAMPLES = 20;

/**
 * How a kind's latency should be read. Start, restart and the rest load the daemon, so
 * latency over the baseline is queueing inside it. A stop's latency is mostly the grace
 * period of containers that ignore SIGTERM, which more stops in flight do not lengthen:
 * it must never shrink the limit, and stop may climb faster toward the host cap.
 */
const PROFILES: Readonly<Record<OperationKind, { latencyBound: boolean; upFactor: number }>> = {
  start: { latencyBound: true, upFactor: 1.25 },
  restart: { latencyBound: true, upFactor: 1.25 },
  stop: { latencyBound: false, upFactor: 1.5 },
  kill: { latencyBound: true, upFactor: 1.25 },
  pause: { latencyBound: true, upFactor: 1.25 },
  unpause: { latencyBound: true, upFactor: 1.25 },
  remove: { latencyBound: true, upFactor: 1.25 },
};

/**
 * A limiter that finds the requests in flight where the engine's throughput stops rising.
 *
 * Design: a throughput-probing gradient, not AIMD. On 2 cores the daemon is CPU-bound for
 * start and restart: past the knee its latency rises linearly with requests in flight while
 * throughput stays flat, so AIMD's additive climb until something fails would only fill the
 * daemon's run queue, and latency alone cannot tell the knee from a slow engine. Instead the
 * limiter measures throughput over a window at one limit, tries a limit a step up or down for
 * a window, and keeps the new limit when throughput moved at least half as much as the limit
 * did (up) or fell less than half as much (down); otherwise it goes back, holds, and later
 * tries the other way. At equal throughput the smaller limit wins, which by Little's law is
 * the one with lower latency. A min-RTT baseline only picks the first direction to try for
 * kinds whose latency is engine load. Probes and slowdowns never take the limit below the
 * kind's default, which the benchmark's sweeps found good; only timeouts, an unreachable
 * engine and 5xx answers go below it, cutting the limit multiplicatively at once, at most
 * once per round trip of requests.
 *
 * Each sample costs O(1); given the same samples and clock readings it decides the same.
 */
export class AdaptiveLimiter implements ConcurrencyLimiter {
  readonly mode = 'adaptive';
  readonly kind: OperationKind;
  private readonly min: number;
  /** The lowest limit probes and slowdowns may reach; only failures cut below it. */
  private readonly floor: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly latencyBound: boolean;
  private readonly upFactor: number;
  private current: number;

  private settleLeft = 0;
  private windowOpen = false;
  private windowStartMs = 0;
  private windowCount = 0;
  private windowLatencySum = 0;
  private windowPeak = 0;

  private baseLimit: number | undefined;
  private baseRate = 0;
  private probing: Direction | undefined;
  private direction: Direction = 'up';
  private holdLeft = 0;
  private cooldownLeft = 0;
  private lastRate = 0;
  /** The best window's rate (fading) and its limit: steps down are judged against it too. */
  private peakRate = 0;
  private peakLimit = 0;
  private baselineMs: number | undefined;
  private windows = 0;

  private samples = 0;
  private okSamples = 0;
  private firstSentMs: number | undefined;
  private lastDoneMs = 0;

  constructor(options: AdaptiveLimiterOptions) {
    this.kind = options.kind;
    this.min = Math.max(MIN_CONCURRENCY, Math.round(options.min ?? MIN_CONCURRENCY));
    const max = options.max ?? ADAPTIVE_MAX_CONCURRENCY[options.kind];
    this.max = Math.min(MAX_CONCURRENCY, Math.round(max));
    if (this.min > this.max) {
      throw new RangeError(`Expected min ${this.min} to be at most max ${this.max}`);
    }
    // Probing below the kind's default saves a little latency at best, and on an engine that
    // slows as its containers pile up, each window reads lower than the last whatever the
    // limit: steps down then looked harmless, and a start of 1000 ended at 2 in flight, where
    // the daemon sat half idle (0.82 of a fixed 8 in the benchmark).
    this.floor = Math.min(this.max, Math.max(this.min, DEFAULT_CONCURRENCY[options.kind]));
    this.now = options.now ?? Date.now;
    this.latencyBound = PROFILES[this.kind].latencyBound;
    this.upFactor = PROFILES[this.kind].upFactor;
    this.current = this.clamp(options.initial ?? DEFAULT_CONCURRENCY[this.kind]);
  }

  get limit(): number {
    return this.current;
  }

  record(sample: RequestSample): void {
    const nowMs = this.now();
    this.count(sample, nowMs);
    const inCooldown = this.cooldownLeft > 0;
    if (inCooldown) this.cooldownLeft -= 1;

    if (!sample.ok || sample.overloaded) {
      if (!inCooldown) this.cut(sample.overloaded ? OVERLOAD_CUT : SERVER_ERROR_CUT, nowMs);
      return;
    }

    if (this.settleLeft > 0) {
      this.settleLeft -= 1;
      if (this.settleLeft === 0) this.openWindow(nowMs);
      return;
    }
    if (!this.windowOpen) {
      // The first sample opens the first window: there was no earlier limit to settle.
      this.openWindow(nowMs - sample.latencyMs);
    }

    this.windowCount += 1;
    this.windowLatencySum += sample.latencyMs;
    this.windowPeak = Math.max(this.windowPeak, sample.inFlight + 1);
    if (this.windowCount >= Math.max(MIN_WINDOW_SAMPLES, this.current)) {
      this.closeWindow(nowMs);
    }
  }

  /** The limit, the last measured throughput and the latency baseline, for the UI. */
  describe(): AdaptiveLimiterView {
    return {
      mode: this.mode,
      limit: this.current,
      throughputPerSecond: Math.round(this.lastRate * 10) / 10,
      baselineLatencyMs:
        this.baselineMs === undefined ? undefined : Math.round(this.baselineMs),
    };
  }

  /** The limit it ended at and the rate it saw, for the limit memory. */
  summary(): AdaptiveLimiterSummary {
    const spanMs = this.firstSentMs === undefined ? 0 : this.lastDoneMs - this.firstSentMs;
    const ratePerSecond = this.okSamples >= MIN_RATE_SAMPLES && spanMs > 0
      ? (this.okSamples * 1000) / spanMs
      : undefined;
    // Mid-probe, the limit that last proved itself is the one worth starting from next time.
    const limit = this.probing !== undefined ? this.baseLimit ?? this.current : this.current;
    return { limit, ratePerSecond, samples: this.samples, windows: this.windows };
  }

  private count(sample: RequestSample, nowMs: number): void {
    this.samples += 1;
    if (sample.ok) this.okSamples += 1;
    const sentMs = nowMs - sample.latencyMs;
    if (this.firstSentMs === undefined || sentMs < this.firstSentMs) this.firstSentMs = sentMs;
    this.lastDoneMs = Math.max(this.lastDoneMs, nowMs);
  }

  private closeWindow(nowMs: number): void {
    const elapsedMs = Math.max(1, nowMs - this.windowStartMs);
    const rate = (this.windowCount * 1000) / elapsedMs;
    const meanLatency = this.windowLatencySum / this.windowCount;
    // The operation never filled its window: the window tells nothing about a higher limit.
    const appLimited = this.windowPeak < this.current;
    this.lastRate = rate;
    this.windows += 1;
    this.baselineMs = this.baselineMs === undefined
      ? meanLatency
      : Math.min(meanLatency, this.baselineMs * BASELINE_DRIFT);

    const slow = this.latencyBound && meanLatency > this.baselineMs * LATENCY_TOLERANCE;
    const won = this.probing !== undefined && this.baseLimit !== undefined && !appLimited &&
      this.probeWon(this.probing, this.baseLimit, rate);
    const changed = !appLimited && this.notePeak(rate, this.probing === undefined);

    if (changed && slow) {
      // The engine got slower at the same limit: go straight to where the requests would
      // take their old time again (Little's law), at most halving, instead of 20% a probe.
      const target = (this.current * this.baselineMs) / meanLatency;
      this.baseLimit = undefined;
      this.probing = undefined;
      this.direction = 'down';
      const cut = Math.max(Math.floor(this.current * OVERLOAD_CUT), target, this.floor);
      this.setLimit(Math.min(this.current, cut), nowMs);
      return;
    }

    if (this.probing !== undefined && this.baseLimit !== undefined) {
      if (won) {
        this.baseLimit = this.current;
        this.baseRate = rate;
        this.probe(this.probing, nowMs);
        return;
      }
      this.direction = this.probing === 'up' ? 'down' : 'up';
      this.probing = undefined;
      this.holdLeft = HOLD_WINDOWS;
      this.setLimit(this.baseLimit, nowMs);
      return;
    }

    this.baseLimit = this.current;
    this.baseRate = rate;
    if (appLimited) {
      this.openWindow(nowMs);
    } else if (this.holdLeft > 0) {
      this.holdLeft -= 1;
      this.openWindow(nowMs);
    } else {
      this.probe(slow ? 'down' : this.direction, nowMs);
    }
  }

  /**
   * Whether the probe window beat the base window by enough to keep its limit. A step down
   * must also hold against the best window at a higher limit, so that small losses, each
   * within the noise, cannot add up to a large one.
   */
  private probeWon(direction: Direction, baseLimit: number, rate: number): boolean {
    if (direction === 'up') {
      const rise = this.current / baseLimit - 1;
      return rate >= this.baseRate * (1 + GAIN_SHARE * rise);
    }
    const drop = 1 - this.current / baseLimit;
    if (rate < this.baseRate * (1 - LOSS_SHARE * drop)) return false;
    if (this.peakLimit <= this.current) return true;
    const fromPeak = 1 - this.current / this.peakLimit;
    return rate >= this.peakRate * (1 - LOSS_SHARE * fromPeak);
  }

  /**
   * Keeps the best rate, fading. Returns true when a settled window fell far below it: the
   * engine changed, and the best rate starts afresh from this window.
   */
  private notePeak(rate: number, settled: boolean): boolean {
    this.peakRate *= PEAK_FADE;
    const changed = settled && rate < this.peakRate * REGIME_CHANGE;
    if (changed || rate >= this.peakRate) {
      this.peakRate = rate;
      this.peakLimit = this.current;
    }
    return changed;
  }

  /**
   * Moves one step in `direction`, or the other way when a bound is in the way. A kind whose
   * latency is not engine load (stop) stays at its maximum instead: there more stopped
   * paying, and a step down every few windows would only cost throughput.
   */
  private probe(direction: Direction, nowMs: number): void {
    const ways: readonly Direction[] = direction === 'down' ? ['down', 'up']
      : this.latencyBound ? ['up', 'down'] : ['up'];
    for (const dir of ways) {
      const next = this.stepFrom(dir);
      if (next !== this.current) {
        this.probing = dir;
        this.direction = dir;
        this.setLimit(next, nowMs);
        return;
      }
    }
    this.probing = undefined;
    this.openWindow(nowMs);
  }

  private stepFrom(direction: Direction): number {
    if (direction === 'up') {
      return this.clamp(Math.max(this.current + 1, Math.round(this.current * this.upFactor)));
    }
    const down = Math.min(this.current - 1, Math.round(this.current * DOWN_FACTOR));
    return this.clamp(Math.max(down, Math.min(this.floor, this.current)));
  }

  private cut(factor: number, nowMs: number): void {
    const before = this.current;
    // The requests already in flight were sent under the old load: let them all report
    // before another failure may cut again, as TCP cuts once per round trip.
    this.cooldownLeft = before;
    this.baseLimit = undefined;
    this.probing = undefined;
    this.direction = 'up';
    this.holdLeft = HOLD_WINDOWS;
    this.setLimit(Math.floor(before * factor), nowMs);
  }

  /** Changes the limit and waits out the requests sent under the old one before measuring. */
  private setLimit(next: number, nowMs: number): void {
    const before = this.current;
    this.current = this.clamp(next);
    this.settleLeft = before;
    this.windowOpen = false;
    this.windowStartMs = nowMs;
  }

  private openWindow(nowMs: number): void {
    this.windowOpen = true;
    this.windowStartMs = nowMs;
    this.windowCount = 0;
    this.windowLatencySum = 0;
    this.windowPeak = 0;
  }

  private clamp(value: number): number {
    return Math.min(this.max, Math.max(this.min, Math.round(value)));
  }
}
