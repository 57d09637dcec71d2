import assert from 'node:assert/strict';

import type { ContainerState } from '../../../src/engine/model/container';
import type { OperationKind } from '../../../src/engine/model/operation';
import {
  type ActionStep,
  isReversible,
  rollbackSteps,
  showsDone,
} from '../../../src/engine/operation/itemActions';

describe('rollbackSteps', () => {
  const table: [OperationKind, ContainerState, ActionStep[]][] = [
    ['start', 'exited', ['stop']],
    ['start', 'created', ['stop']],
    ['stop', 'running', ['start']],
    ['stop', 'restarting', ['start']],
    ['stop', 'paused', ['start', 'pause']],
    ['stop', 'exited', []],
    ['kill', 'running', ['start']],
    ['kill', 'paused', ['start', 'pause']],
    ['restart', 'running', []],
    ['restart', 'paused', ['pause']],
    ['restart', 'exited', ['stop']],
    ['restart', 'created', ['stop']],
    ['pause', 'running', ['unpause']],
    ['unpause', 'paused', ['pause']],
  ];
  for (const [kind, before, steps] of table) {
    it(`puts back a ${kind} of a ${before} container with [${steps.join(', ')}]`, () => {
      assert.deepEqual(rollbackSteps(kind, before), steps);
    });
  }

  it('refuses to bring back a removed container', () => {
    assert.throws(() => rollbackSteps('remove', 'exited'), /cannot be brought back/);
    assert.equal(isReversible('remove'), false);
  });

  it('calls every other kind reversible', () => {
    for (const kind of ['start', 'stop', 'restart', 'kill', 'pause', 'unpause'] as const) {
      assert.ok(isReversible(kind), kind);
    }
  });
});

describe('showsDone', () => {
  const table: [OperationKind, ContainerState | undefined, boolean][] = [
    ['start', 'running', true],
    ['start', 'exited', false],
    ['start', 'paused', false],
    ['unpause', 'running', true],
    ['unpause', 'paused', false],
    ['stop', 'exited', true],
    ['stop', 'created', true],
    ['stop', 'dead', true],
    ['stop', 'running', false],
    ['kill', 'exited', true],
    ['kill', 'paused', false],
    ['pause', 'paused', true],
    ['pause', 'running', false],
    ['remove', undefined, true],
    ['remove', 'exited', false],
    ['restart', 'running', false],
  ];
  for (const [kind, state, done] of table) {
    const verdict = done ? 'done' : 'not done';
    it(`says a ${kind} is ${verdict} when the container is ${state ?? 'gone'}`, () => {
      assert.equal(showsDone(kind, state), done);
    });
  }
});
