import * as assert from 'node:assert/strict';
import {
  isHostToWorkerMessage,
  isWorkerToHostMessage,
  messageId,
} from '../../../../src/engine/planner/worker/plannerProtocol';
import { container } from '../containerFixtures';

const plan = {
  kind: 'stop',
  targetIndices: new Int32Array([0, 1]),
  waves: new Int32Array([0, 0]),
  chains: new Int32Array([0, 0]),
  skippedIndices: new Int32Array([2]),
  skippedReasons: new Uint16Array([0]),
  reasons: ['already stopped'],
  missing: [],
  byHost: [{ host: 'local', count: 2 }],
  batchSize: 64,
  sample: ['a', 'b'],
  warnings: [],
};

describe('plannerProtocol', () => {
  describe('isHostToWorkerMessage', () => {
    it('accepts every well-formed message', () => {
      const messages = [
        {
          type: 'snapshotChunk',
          snapshotVersion: 1,
          offset: 0,
          total: 1,
          containers: [container({ name: 'a' })],
        },
        { type: 'commitSnapshot', id: 1, snapshotVersion: 1, total: 1 },
        { type: 'plan', id: 2, snapshotVersion: 1, kind: 'stop', nowMs: 5 },
        {
          type: 'plan',
          id: 3,
          snapshotVersion: 1,
          kind: 'remove',
          nowMs: 5,
          options: { force: true, graceSeconds: 3 },
          selector: 'status=exited',
          ids: ['a'],
          observedRates: { local: { remove: 20 } },
          sampleSize: 4,
        },
        { type: 'validateSelector', id: 4, text: 'x' },
        { type: 'cancel', id: 2 },
      ];
      for (const message of messages) {
        assert.equal(isHostToWorkerMessage(message), true, JSON.stringify(message));
      }
    });

    it('rejects unknown types, missing ids and fields of the wrong type', () => {
      const messages: unknown[] = [
        null,
        'plan',
        [],
        { type: 'explode', id: 1 },
        { type: 'plan', snapshotVersion: 1, kind: 'stop', nowMs: 5 },
        { type: 'plan', id: 0, snapshotVersion: 1, kind: 'stop', nowMs: 5 },
        { type: 'plan', id: 1.5, snapshotVersion: 1, kind: 'stop', nowMs: 5 },
        { type: 'plan', id: 1, snapshotVersion: 1, kind: 'nuke', nowMs: 5 },
        { type: 'plan', id: 1, snapshotVersion: 1, kind: 'stop', nowMs: Number.NaN },
        { type: 'plan', id: 1, snapshotVersion: 1, kind: 'stop', nowMs: 5, ids: [1] },
        { type: 'plan', id: 1, snapshotVersion: 1, kind: 'stop', nowMs: 5, options: { force: 1 } },
        {
          type: 'plan',
          id: 1,
          snapshotVersion: 1,
          kind: 'stop',
          nowMs: 5,
          observedRates: { local: { fly: 3 } },
        },
        { type: 'validateSelector', id: 4, text: 7 },
        {
          type: 'snapshotChunk',
          snapshotVersion: 1,
          offset: 0,
          total: 1,
          containers: [{ ...container({ name: 'a' }), state: 'sleeping' }],
        },
        {
          type: 'snapshotChunk',
          snapshotVersion: 1,
          offset: 0,
          total: 1,
          containers: [{ ...container({ name: 'a' }), labels: { a: 1 } }],
        },
      ];
      for (const message of messages) {
        assert.equal(isHostToWorkerMessage(message), false, JSON.stringify(message));
      }
    });
  });

  describe('isWorkerToHostMessage', () => {
    it('accepts every well-formed reply', () => {
      const messages = [
        { type: 'snapshotCommitted', id: 1, snapshotVersion: 1, count: 3 },
        { type: 'planResult', id: 2, snapshotVersion: 1, plan },
        {
          type: 'planResult',
          id: 2,
          snapshotVersion: 1,
          plan: { ...plan, estimate: { durationMs: 5, basis: 'x', upperBoundMs: 9 } },
        },
        { type: 'selectorValidation', id: 3, result: { valid: true, canonical: 'name=x' } },
        {
          type: 'selectorValidation',
          id: 3,
          result: { valid: false, column: 8, expected: 'a value', message: 'm' },
        },
        {
          type: 'error',
          id: 4,
          error: { name: 'SelectorSyntaxError', message: 'm', code: 'SELECTOR_SYNTAX', column: 3 },
        },
      ];
      for (const message of messages) {
        assert.equal(isWorkerToHostMessage(message), true, JSON.stringify(message));
      }
    });

    it('rejects replies with mismatched or untyped arrays, or unknown codes', () => {
      const reply = (changes: object) => ({
        type: 'planResult',
        id: 2,
        snapshotVersion: 1,
        plan: { ...plan, ...changes },
      });
      const messages: unknown[] = [
        reply({ targetIndices: [0, 1] }),
        reply({ waves: new Int32Array(1) }),
        reply({ chains: [0, 0] }),
        reply({ sample: [1] }),
        { type: 'planResult', id: 2, snapshotVersion: 1, plan: 'a plan' },
        { type: 'error', id: 4, error: { name: 'E', message: 'm', code: 'OOPS' } },
        { type: 'selectorValidation', id: 3, result: { valid: 'yes' } },
        { type: 'snapshotCommitted', snapshotVersion: 1, count: 3 },
        { type: 'hello', id: 1 },
      ];
      for (const message of messages) {
        assert.equal(isWorkerToHostMessage(message), false);
      }
    });
  });

  it('finds the id of a malformed message only when it is a usable request id', () => {
    assert.equal(messageId({ type: 'plan', id: 7 }), 7);
    assert.equal(messageId({ id: '7' }), undefined);
    assert.equal(messageId({ id: -1 }), undefined);
    assert.equal(messageId(undefined), undefined);
  });
});
