import assert from 'node:assert/strict';

import { LatencyReservoir } from '../../../src/engine/progress/latencyReservoir';

describe('LatencyReservoir', () => {
  it('reports zeros before anything was recorded', () => {
    assert.deepEqual(new LatencyReservoir().percentiles(), { p50: 0, p95: 0, p99: 0 });
  });

  it('gives nearest-rank percentiles while everything fits', () => {
    const reservoir = new LatencyReservoir();
    // Added out of order, so the result cannot come from insertion order.
    for (let i = 100; i >= 1; i -= 1) reservoir.add(i);

    assert.deepEqual(reservoir.percentiles(), { p50: 50, p95: 95, p99: 99 });
    assert.equal(reservoir.count, 100);
  });

  it('gives the only value for every percentile of one sample', () => {
    const reservoir = new LatencyReservoir();
    reservoir.add(7);

    assert.deepEqual(reservoir.percentiles(), { p50: 7, p95: 7, p99: 7 });
  });

  it('counts everything but keeps only recorded values once past its capacity', () => {
    const reservoir = new LatencyReservoir(64);
    for (let i = 0; i < 10_000; i += 1) reservoir.add(i % 2 === 0 ? 10 : 20);

    const { p50, p95, p99 } = reservoir.percentiles();

    assert.equal(reservoir.count, 10_000);
    for (const p of [p50, p95, p99]) assert.ok(p === 10 || p === 20, `unexpected ${p}`);
    assert.ok(p50 <= p95 && p95 <= p99);
  });
});
