// Pure Node: several engines' live lists read as one.
import * as assert from 'node:assert/strict';

import type { ContainerSummary } from '../../../src/engine/model/container';
import { CombinedContainers } from '../../../src/extension/tree/combinedContainers';
import { LiveContainers } from '../../../src/extension/tree/liveContainers';
import { fleet } from '../support/containerFactory';

/** An engine whose list answers with its containers, or fails while `down` is set. */
class FakeEngine {
  down: Error | undefined;

  constructor(private readonly host: string, private readonly count: number) {}

  async list(): Promise<ContainerSummary[]> {
    if (this.down) throw this.down;
    return fleet(this.count).map((c) => ({ ...c, host: this.host }));
  }
}

function live(engine: FakeEngine): LiveContainers {
  return new LiveContainers(engine, undefined, { burstDelayMs: 1, minIntervalMs: 1 });
}

describe('the containers of several engines', () => {
  const lists: LiveContainers[] = [];

  afterEach(() => {
    for (const list of lists.splice(0)) list.dispose();
  });

  function combine(...engines: FakeEngine[]): CombinedContainers {
    const made = engines.map(live);
    lists.push(...made);
    return new CombinedContainers(made);
  }

  it('lists every engine and reads their containers as one list', async () => {
    const combined = combine(new FakeEngine('a', 3), new FakeEngine('b', 2));

    const outcome = await combined.refreshNow();

    assert.equal(outcome.ok, true);
    assert.deepEqual(combined.containers.map((c) => c.host), ['a', 'a', 'a', 'b', 'b']);
    assert.equal(combined.hasListed, true);
  });

  it('leaves out an engine that does not answer and keeps the others', async () => {
    const b = new FakeEngine('b', 2);
    const combined = combine(new FakeEngine('a', 3), b);
    await combined.refreshNow();
    b.down = new Error('list containers: cannot reach the engine (connect ENOENT /b.sock)');

    const outcome = await combined.refreshNow();

    assert.equal(outcome.ok, true);
    assert.deepEqual(combined.containers.map((c) => c.host), ['a', 'a', 'a']);
    assert.equal(combined.error, undefined);
  });

  it('fails with the first failing engine\'s error once none answers', async () => {
    const a = new FakeEngine('a', 1);
    const b = new FakeEngine('b', 1);
    a.down = new Error('a is down');
    b.down = new Error('b is down');
    const combined = combine(a, b);

    const outcome = await combined.refreshNow();

    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.error.message, 'a is down');
    assert.deepEqual(combined.containers, []);
  });

  it('tells its listeners after each engine lists', async () => {
    const combined = combine(new FakeEngine('a', 1), new FakeEngine('b', 1));
    const heard: number[] = [];
    combined.onDidList((outcome) => heard.push(outcome.ok ? outcome.containers.length : -1));

    await combined.refreshNow();

    assert.equal(heard.length, 2);
    assert.equal(heard[1], 2);
  });
});
