import assert from 'node:assert/strict';

import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../src/engine/operation/retryPolicy';

describe('backoffDelay', () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
  const top = (): number => 1;

  it('doubles its ceiling with each retry', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((retry) => backoffDelay(policy, retry, top)),
      [100, 200, 400, 800],
    );
  });

  it('never waits longer than the maximum', () => {
    assert.equal(backoffDelay(policy, 5, top), 1_000);
    assert.equal(backoffDelay(policy, 50, top), 1_000);
  });

  it('spreads the wait over the whole range below the ceiling (full jitter)', () => {
    assert.equal(backoffDelay(policy, 3, () => 0), 0);
    assert.equal(backoffDelay(policy, 3, () => 0.5), 200);
    assert.equal(backoffDelay(policy, 3, () => 0.25), 100);
  });

  it('stays within the default policy\'s bounds with the real random', () => {
    for (let retry = 1; retry <= DEFAULT_RETRY_POLICY.retries; retry += 1) {
      const delay = backoffDelay(DEFAULT_RETRY_POLICY, retry);
      assert.ok(delay >= 0 && delay <= DEFAULT_RETRY_POLICY.maxDelayMs);
    }
  });
});
