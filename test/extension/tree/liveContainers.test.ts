import * as assert from 'node:assert/strict';

import type { ContainerSummary } from '../../../src/engine/model/container';
import { LiveContainers } from '../../../src/extension/tree/liveContainers';
import { fleet } from '../support/containerFactory';

/** A lister that answers when the test says, counting calls and overlaps. */
class GatedLister {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  private release: (() => void)[] = [];
  fail: Error | undefined;

  list(): Promise<ContainerSummary[]> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) => {
      this.release.push(() => {
        this.inFlight--;
        if (this.fail) reject(this.fail);
        else resolve(fleet(3));
      });
    });
  }

  answer(): void {
    for (const release of this.release.splice(0)) release();
  }
}

async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the live container list', () => {
  it('turns a burst of hints into one list', async () => {
    const lister = new GatedLister();
    const live = new LiveContainers(lister, undefined, { burstDelayMs: 1, minIntervalMs: 1 });

    for (let i = 0; i < 100; i++) live.refresh();
    await turns();
    lister.answer();
    await turns();

    assert.equal(lister.calls, 1);
    live.dispose();
  });

  it('never lists twice at once, and lists once more for hints that came meanwhile',
    async () => {
      const lister = new GatedLister();
      const live = new LiveContainers(lister, undefined, { burstDelayMs: 1, minIntervalMs: 1 });
      live.refresh();
      await turns();

      for (let i = 0; i < 10; i++) live.refresh();
      await turns();
      lister.answer();
      await turns();
      lister.answer();
      await turns();

      assert.equal(lister.maxInFlight, 1);
      assert.equal(lister.calls, 2);
      live.dispose();
    });

  it('answers refreshNow with a list that started after the call', async () => {
    const lister = new GatedLister();
    const live = new LiveContainers(lister, undefined, { burstDelayMs: 1, minIntervalMs: 1 });
    live.refresh();
    await turns();

    const outcome = live.refreshNow();
    lister.answer();
    await turns();
    lister.answer();

    assert.deepEqual((await outcome).ok, true);
    assert.equal(lister.calls, 2);
    live.dispose();
  });

  it('keeps the last containers and reports the error when a list fails', async () => {
    const lister = new GatedLister();
    const live = new LiveContainers(lister, undefined, { burstDelayMs: 1, minIntervalMs: 1 });
    const first = live.refreshNow();
    lister.answer();
    await first;

    lister.fail = new Error('connect ENOENT');
    const second = live.refreshNow();
    await turns();
    lister.answer();
    const outcome = await second;

    assert.equal(outcome.ok, false);
    assert.equal(live.containers.length, 3);
    assert.equal(live.error?.message, 'connect ENOENT');
    live.dispose();
  });
});
