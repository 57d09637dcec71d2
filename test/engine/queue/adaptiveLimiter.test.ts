import assert from 'node:assert/strict';

import type { OperationKind } from '../../../src/engine/model/operation';
import { AdaptiveLimiter } from '../../../src/engine/queue/adaptiveLimiter';
import {
  DEFAULT_CONCURRENCY,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
} from '../../../src/engine/queue/concurrencyDefaults';
import {
  type ConcurrencyLimiter,
  FixedLimiter,
} from '../../../src/engine/queue/concurrencyLimiter';
import { LimitMemory } from '../../../src/engine/queue/limitMemory';

/** How the simulated engine answers request `index` sent with `inFlight` requests out. */
type EngineModel = (index: number, inFlight: number) => {
  readonly latencyMs: number;
  readonly overloaded?: boolean;
};

interface Run {
  /** The limit after each sample. */
  readonly limits: number[];
  readonly latencies: number[];
  readonly elapsedMs: number;
}

/**
 * A discrete-event engine: keeps `limiter.limit` requests out, advances a virtual clock to
 * the next answer and reports it. Latencies get a seeded ±10% jitter, as real ones do.
 */
function simulate(
  limiter: ConcurrencyLimiter,
  clock: { now: number },
  model: EngineModel,
  items: number,
): Run {
  const out: { doneMs: number; latencyMs: number; others: number; overloaded: boolean }[] = [];
  const limits: number[] = [];
  const latencies: number[] = [];
  const startMs = clock.now;
  let seed = 7;
  let next = 0;

  while (next < items || out.length > 0) {
    while (next < items && out.length < limiter.limit) {
      const reply = model(next, out.length + 1);
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const latencyMs = reply.latencyMs * (0.9 + 0.2 * (seed / 2 ** 31));
      out.push({
        doneMs: clock.now + latencyMs,
        latencyMs,
        others: out.length,
        overloaded: reply.overloaded ?? false,
      });
      next += 1;
    }

    out.sort((a, b) => a.doneMs - b.doneMs);
    const done = out.shift()!;
    clock.now = done.doneMs;
    limiter.record({
      latencyMs: done.latencyMs,
      ok: !done.overloaded,
      overloaded: done.overloaded,
      inFlight: done.others,
    });
    limits.push(limiter.limit);
    latencies.push(done.latencyMs);
  }
  return { limits, latencies, elapsedMs: clock.now - startMs };
}

/** A daemon that can do `perSecond` requests a second, each taking at least `baseMs`. */
function cpuBound(perSecond: number, baseMs: number): EngineModel {
  return (_index, inFlight) => ({ latencyMs: Math.max(baseMs, (inFlight / perSecond) * 1000) });
}

function adaptive(kind: OperationKind, clock: { now: number }, initial?: number): AdaptiveLimiter {
  return new AdaptiveLimiter({ kind, initial, now: () => clock.now });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

describe('AdaptiveLimiter', () => {
  // 200 starts a second at 100 ms each: throughput stops rising at 20 in flight.
  const KNEE = 20;
  const engine = cpuBound(200, 100);

  it('converges near the knee of a CPU-bound engine and stays within bounds', () => {
    const clock = { now: 0 };
    const limiter = adaptive('start', clock);

    const run = simulate(limiter, clock, engine, 3000);

    const settled = run.limits.slice(1500);
    assert.ok(run.limits.every((l) => l >= MIN_CONCURRENCY && l <= MAX_CONCURRENCY));
    assert.ok(median(settled) >= KNEE * 0.7 && median(settled) <= KNEE * 1.5, `${median(settled)}`);
    assert.ok(Math.max(...settled) <= KNEE * 2, `peak ${Math.max(...settled)}`);
    const perSecond = (3000 * 1000) / run.elapsedMs;
    assert.ok(perSecond >= 200 * 0.85, `throughput ${perSecond.toFixed(1)}/s`);
  });

  it('comes down to the knee from a limit remembered far too high', () => {
    const clock = { now: 0 };
    const limiter = adaptive('restart', clock, 200);

    const run = simulate(limiter, clock, engine, 4000);

    const final = limiter.summary().limit;
    assert.ok(final >= KNEE * 0.7 && final <= KNEE * 2, `final ${final}`);
    assert.ok(run.limits.every((l) => l <= MAX_CONCURRENCY));
  });

  it('stays at or above the default while an engine slows as its containers pile up', () => {
    // A start takes 300 ms at least; the daemon manages 10 a second at first and 5 at the
    // end, as each running container makes the next start dearer. Every window then reads
    // lower than the one before, whatever the limit.
    const items = 1500;
    const slowing: EngineModel = (index, inFlight) => {
      const perSecond = 10 - (5 * index) / items;
      return { latencyMs: Math.max(300, (inFlight / perSecond) * 1000) };
    };
    const clock = { now: 0 };
    const limiter = adaptive('start', clock);
    const fixedClock = { now: 0 };

    const run = simulate(limiter, clock, slowing, items);
    const fixed = simulate(new FixedLimiter(DEFAULT_CONCURRENCY.start), fixedClock, slowing, items);

    assert.ok(Math.min(...run.limits) >= DEFAULT_CONCURRENCY.start, `${Math.min(...run.limits)}`);
    assert.ok(run.elapsedMs <= fixed.elapsedMs / 0.95,
      `${(run.elapsedMs / 1000).toFixed(0)} s against ${(fixed.elapsedMs / 1000).toFixed(0)} s`);
  });

  it('halves the limit on a burst of timeouts, once per round trip', () => {
    const clock = { now: 0 };
    const limiter = adaptive('start', clock, 40);
    const timeout = { latencyMs: 30_000, ok: false, overloaded: true, inFlight: 39 };

    for (let i = 0; i < 40; i += 1) limiter.record(timeout);
    assert.equal(limiter.limit, 20);

    // The 40 requests out at the first cut have reported; the next timeout is news.
    limiter.record(timeout);
    limiter.record(timeout);
    assert.equal(limiter.limit, 10);
  });

  it('cuts less on a server error than on a timeout', () => {
    const clock = { now: 0 };
    const limiter = adaptive('unpause', clock, 40);

    limiter.record({ latencyMs: 20, ok: false, overloaded: false, inFlight: 39 });

    assert.equal(limiter.limit, 32);
  });

  it('never goes below the minimum however long the engine times out', () => {
    const clock = { now: 0 };
    const limiter = adaptive('stop', clock, 64);

    const run = simulate(limiter, clock, () => ({ latencyMs: 30_000, overloaded: true }), 2000);

    assert.equal(limiter.limit, MIN_CONCURRENCY);
    assert.ok(run.limits.every((l) => l >= MIN_CONCURRENCY));
  });

  it('grows the stop limit to its cap of 64 when half the containers wait out their grace',
    () => {
      const clock = { now: 0 };
      const limiter = adaptive('stop', clock, 16);
      // Containers that ignore SIGTERM take the whole 10 s grace, whatever the load.
      const grace: EngineModel = (index) => ({ latencyMs: index % 2 === 0 ? 10_000 : 50 });

      const run = simulate(limiter, clock, grace, 3000);

      const atCap = run.limits.indexOf(64);
      assert.ok(atCap >= 0, `peaked at ${Math.max(...run.limits)}`);
      assert.equal(Math.max(...run.limits), 64);
      assert.ok(run.limits.slice(atCap).every((l) => l === 64), 'stays at the cap');
    });

  it('keeps a pinned limit whatever the engine shows', () => {
    const clock = { now: 0 };
    const memory = new LimitMemory('/nonexistent', { now: () => clock.now });
    const limiter = memory.limiterFactory()('local', 'start', { concurrency: 16 });
    const flaky: EngineModel = (index, inFlight) => ({
      latencyMs: (inFlight / 50) * 1000,
      overloaded: index % 100 === 99,
    });

    const run = simulate(limiter, clock, flaky, 1000);

    assert.equal(limiter.mode, 'fixed');
    assert.ok(run.limits.every((l) => l === 16));
  });

  it('decides the same way given the same samples and clock', () => {
    const first = { now: 0 };
    const second = { now: 0 };

    const a = simulate(adaptive('start', first), first, engine, 1500);
    const b = simulate(adaptive('start', second), second, engine, 1500);

    assert.deepEqual(a.limits, b.limits);
  });

  it('describes its limit, measured throughput and baseline latency for the UI', () => {
    const clock = { now: 0 };
    const limiter = adaptive('start', clock);

    simulate(limiter, clock, engine, 1000);
    const view = limiter.describe();

    assert.equal(view.mode, 'adaptive');
    assert.equal(view.limit, limiter.limit);
    assert.ok(view.throughputPerSecond > 100 && view.throughputPerSecond < 260);
    assert.ok(view.baselineLatencyMs !== undefined && Math.abs(view.baselineLatencyMs - 100) < 20);
  });

  it('sums up the rate it saw, for estimates', () => {
    const clock = { now: 0 };
    const limiter = adaptive('start', clock);

    const run = simulate(limiter, clock, engine, 2000);
    const summary = limiter.summary();

    assert.equal(summary.samples, 2000);
    assert.ok(summary.windows > 0);
    const expected = (2000 * 1000) / run.elapsedMs;
    assert.ok(Math.abs((summary.ratePerSecond ?? 0) - expected) / expected < 0.05);
  });
});
