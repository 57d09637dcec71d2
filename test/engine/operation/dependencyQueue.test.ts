import assert from 'node:assert/strict';

import { DependencyQueue } from '../../../src/engine/operation/dependencyQueue';
import type { OperationItem } from '../../../src/engine/operation/operationItem';

function item(id: string, chain: number, wave: number): OperationItem {
  return {
    id,
    name: id,
    host: 'local',
    before: 'exited',
    wave,
    chain,
    state: 'queued',
    attempts: 0,
    uncertain: false,
  };
}

/** Takes every released item, in order, without marking any done. */
function drain(queue: DependencyQueue): string[] {
  const out: string[] = [];
  for (let next = queue.next(); next; next = queue.next()) out.push(next.id);
  return out;
}

describe('DependencyQueue', () => {
  const items = [
    item('a-db', 0, 0),
    item('a-web', 0, 1),
    item('b-db', 1, 0),
    item('b-web', 1, 1),
    item('b-proxy', 1, 2),
    item('loose', 2, 0),
  ];
  const byId = new Map(items.map((i) => [i.id, i]));

  it('releases the first wave of every chain at once, in the order given', () => {
    const queue = new DependencyQueue(items);

    assert.deepEqual(drain(queue), ['a-db', 'b-db', 'loose']);
    assert.equal(queue.readyCount, 0);
  });

  it("releases a chain's next wave when its wave is done, whatever the other chains do", () => {
    const queue = new DependencyQueue(items);
    drain(queue);

    queue.done(byId.get('b-db')!);
    assert.deepEqual(drain(queue), ['b-web']);
    queue.done(byId.get('b-web')!);
    assert.deepEqual(drain(queue), ['b-proxy']);
    queue.done(byId.get('loose')!);
    assert.deepEqual(drain(queue), []);
    queue.done(byId.get('a-db')!);
    assert.deepEqual(drain(queue), ['a-web']);
  });

  it('holds a wave until every item of the wave before it is done', () => {
    const wide = [item('db-1', 0, 0), item('db-2', 0, 0), item('web', 0, 1)];
    const queue = new DependencyQueue(wide);
    drain(queue);

    queue.done(wide[0]!);
    assert.deepEqual(drain(queue), []);
    queue.done(wide[1]!);
    assert.deepEqual(drain(queue), ['web']);
  });

  it('runs the waves last first in reverse, to undo an operation', () => {
    const queue = new DependencyQueue(items, 'reverse');

    assert.deepEqual(drain(queue), ['a-web', 'b-proxy', 'loose']);
    queue.done(byId.get('b-proxy')!);
    assert.deepEqual(drain(queue), ['b-web']);
  });

  it('skips wave numbers no item has', () => {
    const gappy = [item('x', 0, 0), item('y', 0, 5)];
    const queue = new DependencyQueue(gappy);

    assert.deepEqual(drain(queue), ['x']);
    queue.done(gappy[0]!);
    assert.deepEqual(drain(queue), ['y']);
  });

  it('hands out 100,000 items of one wave in order', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => item(`c${i}`, 0, 0));
    const queue = new DependencyQueue(many);

    const out = drain(queue);
    assert.equal(out.length, 100_000);
    assert.equal(out[0], 'c0');
    assert.equal(out[99_999], 'c99999');
  });
});
