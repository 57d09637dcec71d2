import assert from 'node:assert/strict';

import { toCliResult } from '../../src/cli/cliResult';
import type { ItemRecord, ItemState, OperationRecord } from '../../src/engine/model/operation';

function item(id: string, host: string, state: ItemState): ItemRecord {
  return { id, name: `c-${id}`, host, before: 'running', state, attempts: 1 };
}

describe('toCliResult', () => {
  const record: OperationRecord = {
    id: 'op1',
    kind: 'stop',
    priority: 0,
    options: {},
    status: 'failed',
    createdMs: 1_000,
    startedMs: 2_000,
    endedMs: 5_000,
    items: [
      item('1', 'east', 'succeeded'),
      item('2', 'west', 'failed'),
      item('3', 'east', 'skipped'),
      item('4', 'west', 'cancelled'),
      item('5', 'east', 'succeeded'),
    ],
  };

  it('counts each engine\'s items apart, in the order the engines first appear', () => {
    const result = toCliResult(record);

    assert.deepEqual(result.hosts, [
      { host: 'east', total: 3, succeeded: 2, skipped: 1, failed: 0, cancelled: 0, rolledBack: 0 },
      { host: 'west', total: 2, succeeded: 0, skipped: 0, failed: 1, cancelled: 1, rolledBack: 0 },
    ]);
    assert.deepEqual([result.total, result.succeeded, result.failed], [5, 2, 1]);
    assert.equal(result.durationMs, 3_000);
  });

  it('says which engine each item was on', () => {
    assert.deepEqual(toCliResult(record).items.map((i) => i.host),
      ['east', 'west', 'east', 'west', 'east']);
  });

  it('names the engines it skipped as unreachable, and only when there were some', () => {
    const unreachable = [{ host: 'north', message: 'connect ENOENT /run/north.sock' }];

    assert.deepEqual(toCliResult(record, unreachable).unreachable, unreachable);
    assert.equal('unreachable' in toCliResult(record), false);
  });
});
