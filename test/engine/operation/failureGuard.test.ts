import assert from 'node:assert/strict';

import { FailureGuard } from '../../../src/engine/operation/failureGuard';

describe('FailureGuard', () => {
  const options = { threshold: 0.1, minSample: 20 };

  it('stays quiet below the minimum sample, however bad the rate', () => {
    assert.equal(new FailureGuard(options).check(19, 19), undefined);
  });

  it('stays quiet when nothing failed', () => {
    assert.equal(new FailureGuard(options).check(1000, 0), undefined);
  });

  it('stays quiet at exactly the threshold', () => {
    assert.equal(new FailureGuard(options).check(20, 2), undefined);
  });

  it('trips above the threshold and says how many failed of how many', () => {
    const reason = new FailureGuard(options).check(20, 3);

    assert.equal(reason, '3 of 20 items failed (15%), above the 10% threshold');
  });

  it('counts afresh from the totals it was rearmed with', () => {
    const guard = new FailureGuard(options);
    assert.ok(guard.check(20, 10));

    guard.rearm(20, 10);

    assert.equal(guard.check(39, 20), undefined, 'only 19 new items: below the sample');
    assert.equal(guard.check(40, 10), undefined, 'no new failure');
    assert.equal(guard.check(40, 12), undefined, '2 of 20 new items is the threshold');
    assert.match(guard.check(40, 13) ?? '', /^3 of 20 items failed/);
  });
});
