import assert from 'node:assert/strict';

import { RateWindow } from '../../../src/engine/progress/rateWindow';

/** An arbitrary wall-clock instant, on a second boundary. */
const T0 = 1_700_000_000_000;

describe('RateWindow', () => {
  it('is zero before any item finished', () => {
    assert.equal(new RateWindow().perSecond(T0), 0);
  });

  it('counts a burst in its first second as that many per second', () => {
    const window = new RateWindow();
    window.add(T0, 10);

    assert.equal(window.perSecond(T0 + 200), 10);
  });

  it('averages over the time since the first item while that is shorter than the window', () => {
    const window = new RateWindow(10);
    for (let s = 0; s < 5; s += 1) window.add(T0 + s * 1000, 10);

    assert.equal(window.perSecond(T0 + 5000), 10);
  });

  it('forgets items older than the window', () => {
    const window = new RateWindow(10);
    window.add(T0, 100);
    window.add(T0 + 15_000, 20);

    assert.equal(window.perSecond(T0 + 15_000), 2);
  });

  it('falls to zero after a silence longer than the window', () => {
    const window = new RateWindow(10);
    window.add(T0, 100);

    assert.equal(window.perSecond(T0 + 30_000), 0);
  });

  it('starts afresh after reset', () => {
    const window = new RateWindow();
    window.add(T0, 50);
    window.reset();

    assert.equal(window.perSecond(T0 + 500), 0);
    window.add(T0 + 1000, 3);
    assert.equal(window.perSecond(T0 + 1000), 3);
  });

  it('works with a clock that starts at zero, as a monotonic clock does', () => {
    const window = new RateWindow(10);
    window.add(500, 10);

    // Second 0 has left a 10-second window by second 10.
    assert.equal(window.perSecond(10_600), 0);
  });
});
