import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';

import { createProgressReporter } from '../../src/cli/progressReporter';
import {
  emptyCounts,
  type HostProgress,
  type ProgressSnapshot,
} from '../../src/engine/model/operation';

function host(name: string, done: number, total: number, extra: Partial<HostProgress> = {}) {
  return {
    host: name,
    total,
    counts: { ...emptyCounts(), succeeded: done, queued: total - done },
    ratePerSecond: 2,
    concurrency: 4,
    ...extra,
  };
}

function snapshot(hosts?: HostProgress[]): ProgressSnapshot {
  return {
    operationId: 'op1',
    kind: 'stop',
    status: 'running',
    priority: 0,
    total: 40,
    counts: { ...emptyCounts(), succeeded: 25, queued: 15 },
    ratePerSecond: 4,
    elapsedMs: 1000,
    concurrency: 8,
    latencyMs: { p50: 1, p95: 2, p99: 3 },
    ...(hosts ? { hosts } : {}),
  };
}

function render(s: ProgressSnapshot): string {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = '';
  (stream as unknown as PassThrough).on('data', (d: Buffer) => (text += d.toString()));
  const reporter = createProgressReporter(stream, false);
  reporter.update(s);
  reporter.stop();
  return text;
}

describe('the CLI progress lines', () => {
  it('prints one line per engine under the total, with its problem', () => {
    const text = render(snapshot([
      host('east', 20, 20),
      host('west', 5, 20, { engineProblem: 'The Docker engine west is unreachable' }),
    ]));

    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^stop: 25\/40 done, 0 failed, 4\.0\/s/);
    assert.match(lines[1]!, /^ {2}east: 20\/20 done, 0 failed, 2\.0\/s$/);
    assert.match(lines[2]!, /^ {2}west: 5\/20 done, 0 failed, 2\.0\/s \| The Docker engine west/);
  });

  it('puts the failure guard\'s hold before an engine problem', () => {
    const text = render(snapshot([
      host('east', 5, 20, { guardReason: '3 of 5 failed', engineProblem: 'down' }),
      host('west', 20, 20),
    ]));

    assert.match(text, /east: 5\/20 done, 0 failed, 2\.0\/s \| held: 3 of 5 failed\n/);
  });

  it('prints the total line alone for one engine', () => {
    assert.equal(render(snapshot()).trimEnd().split('\n').length, 1);
  });
});
