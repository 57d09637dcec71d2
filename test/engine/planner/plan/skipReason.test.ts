import * as assert from 'node:assert/strict';
import { CONTAINER_STATES, type ContainerState } from '../../../../src/engine/model/container';
import type { OperationKind } from '../../../../src/engine/model/operation';
import { skipReason } from '../../../../src/engine/planner/plan/skipReason';

// One row per kind: the reason for each state, or undefined when the kind applies.
const EXPECTED: Record<OperationKind, Record<ContainerState, string | undefined>> = {
  start: {
    created: undefined,
    running: 'already running',
    paused: 'paused: unpause it instead',
    restarting: 'restarting: already starting',
    removing: 'being removed',
    exited: undefined,
    dead: 'dead: it can only be removed',
  },
  stop: {
    created: 'already stopped',
    running: undefined,
    paused: undefined,
    restarting: undefined,
    removing: 'being removed',
    exited: 'already stopped',
    dead: 'already stopped',
  },
  restart: {
    created: undefined,
    running: undefined,
    paused: undefined,
    restarting: undefined,
    removing: 'being removed',
    exited: undefined,
    dead: 'dead: it can only be removed',
  },
  kill: {
    created: 'not running',
    running: undefined,
    paused: undefined,
    restarting: undefined,
    removing: 'being removed',
    exited: 'not running',
    dead: 'not running',
  },
  pause: {
    created: 'not running',
    running: undefined,
    paused: 'already paused',
    restarting: 'restarting: pause it once it runs',
    removing: 'being removed',
    exited: 'not running',
    dead: 'not running',
  },
  unpause: {
    created: 'not paused',
    running: 'not paused',
    paused: undefined,
    restarting: 'not paused',
    removing: 'being removed',
    exited: 'not paused',
    dead: 'not paused',
  },
  remove: {
    created: undefined,
    running: 'running: remove needs force',
    paused: 'paused: remove needs force',
    restarting: 'restarting: remove needs force',
    removing: 'being removed',
    exited: undefined,
    dead: undefined,
  },
};

describe('skipReason', () => {
  for (const [kind, byState] of Object.entries(EXPECTED)) {
    it(`says which states ${kind} leaves alone and why`, () => {
      for (const state of CONTAINER_STATES) {
        assert.equal(skipReason(kind as OperationKind, state), byState[state], `${kind} ${state}`);
      }
    });
  }

  it('removes running, paused and restarting containers when force is set', () => {
    for (const state of ['running', 'paused', 'restarting'] as const) {
      assert.equal(skipReason('remove', state, { force: true }), undefined);
    }
    assert.equal(skipReason('remove', 'removing', { force: true }), 'being removed');
  });
});
