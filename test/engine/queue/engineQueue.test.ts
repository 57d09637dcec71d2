import assert from 'node:assert/strict';

import { EngineQueue } from '../../../src/engine/queue/engineQueue';
import { isAbortError } from '../../../src/engine/util/abort';

/** A task that runs until `release` is called, and says when it started. */
class Gate {
  readonly started: string[] = [];
  private readonly releases: (() => void)[] = [];
  running = 0;
  maxRunning = 0;

  task(name: string): (signal: AbortSignal) => Promise<string> {
    return () => {
      this.started.push(name);
      this.running += 1;
      this.maxRunning = Math.max(this.maxRunning, this.running);
      return new Promise((resolve) =>
        this.releases.push(() => {
          this.running -= 1;
          resolve(name);
        }),
      );
    };
  }

  /** Lets the oldest running task finish. */
  releaseOne(): void {
    this.releases.shift()?.();
  }
}

/** Lets queued microtasks and p-queue's next-task scheduling run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EngineQueue', () => {
  const never = new AbortController().signal;

  it('never runs more than its cap at once', async () => {
    const queue = new EngineQueue('sim', 3);
    const gate = new Gate();
    const done = Array.from({ length: 10 }, (_, i) => queue.run(gate.task(`t${i}`), 0, never));
    await tick();

    assert.equal(queue.running, 3);
    assert.equal(queue.waiting, 7);
    while (gate.started.length < 10 || gate.running > 0) {
      gate.releaseOne();
      await tick();
    }
    await Promise.all(done);
    assert.equal(gate.maxRunning, 3);
  });

  it('starts the higher priority first when the cap is full', async () => {
    const queue = new EngineQueue('sim', 1);
    const gate = new Gate();
    const done = [
      queue.run(gate.task('first'), 0, never),
      queue.run(gate.task('low'), 0, never),
      queue.run(gate.task('high'), 5, never),
      queue.run(gate.task('middle'), 2, never),
    ];
    await tick();

    for (let i = 0; i < 4; i += 1) {
      gate.releaseOne();
      await tick();
    }
    await Promise.all(done);

    assert.deepEqual(gate.started, ['first', 'high', 'middle', 'low']);
  });

  it('removes a waiting task whose signal aborts, rejecting it with an AbortError', async () => {
    const queue = new EngineQueue('sim', 1);
    const gate = new Gate();
    const withdraw = new AbortController();
    const first = queue.run(gate.task('first'), 0, never);
    const second = queue.run(gate.task('second'), 0, withdraw.signal);
    await tick();

    withdraw.abort(new Error('operation cancelled'));

    await assert.rejects(second, (error: unknown) => isAbortError(error));
    assert.equal(queue.waiting, 0);
    gate.releaseOne();
    await first;
    await queue.onIdle();
    assert.deepEqual(gate.started, ['first']);
  });

  it('passes its signal to a running task', async () => {
    const queue = new EngineQueue('sim', 1);
    const controller = new AbortController();
    let seen: AbortSignal | undefined;

    await queue.run(async (s) => (seen = s), 0, controller.signal);

    assert.equal(seen, controller.signal);
  });
});
