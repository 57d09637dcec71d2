import * as assert from 'node:assert/strict';
import type { ContainerSummary } from '../../../../src/engine/model/container';
import { planOperation } from '../../../../src/engine/planner/plan/planOperation';
import { materializePlan } from '../../../../src/engine/planner/plan/materializePlan';
import { parseSelector } from '../../../../src/engine/planner/selector/parseSelector';
import type {
  HostToWorkerMessage,
  WorkerToHostMessage,
} from '../../../../src/engine/planner/worker/plannerProtocol';
import { PlannerService } from '../../../../src/engine/planner/worker/plannerService';
import { fleet, NOW_MS } from '../containerFixtures';

/** A service wired to an outbox, with helpers to feed it and wait for its replies. */
function harness() {
  const replies: WorkerToHostMessage[] = [];
  const service = new PlannerService((message) => replies.push(message));
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const upload = (version: number, containers: readonly ContainerSummary[], chunk: number) => {
    for (let offset = 0; offset < containers.length; offset += chunk) {
      const message: HostToWorkerMessage = {
        type: 'snapshotChunk',
        snapshotVersion: version,
        offset,
        total: containers.length,
        containers: containers.slice(offset, offset + chunk),
      };
      service.handle(message);
    }
  };
  return { replies, service, settle, upload };
}

describe('PlannerService', () => {
  const containers = fleet(500);

  it('assembles a snapshot from chunks and plans against it like planOperation', async () => {
    const { replies, service, settle, upload } = harness();
    upload(1, containers, 64);
    service.handle({ type: 'commitSnapshot', id: 1, snapshotVersion: 1, total: 500 });
    service.handle({
      type: 'plan',
      id: 2,
      snapshotVersion: 1,
      kind: 'start',
      selector: 'status=exited,created',
      nowMs: NOW_MS,
    });
    await settle();

    assert.deepEqual(replies[0], {
      type: 'snapshotCommitted',
      id: 1,
      snapshotVersion: 1,
      count: 500,
    });
    const reply = replies[1];
    assert.ok(reply?.type === 'planResult');
    const expected = planOperation({
      containers,
      kind: 'start',
      selector: parseSelector('status=exited,created'),
      nowMs: NOW_MS,
    });
    assert.deepEqual(materializePlan(reply.plan, containers), expected);
  });

  it('refuses to commit a snapshot with chunks missing', async () => {
    const { replies, service, settle } = harness();
    service.handle({
      type: 'snapshotChunk',
      snapshotVersion: 4,
      offset: 0,
      total: 500,
      containers: containers.slice(0, 100),
    });
    service.handle({ type: 'commitSnapshot', id: 9, snapshotVersion: 4, total: 500 });
    await settle();
    assert.deepEqual(replies, [
      {
        type: 'error',
        id: 9,
        error: {
          name: 'PlannerRequestError',
          code: 'SNAPSHOT_MISSING',
          message: 'Snapshot 4 is incomplete: upload it again',
        },
      },
    ]);
  });

  it('answers SNAPSHOT_MISSING for a plan against a snapshot it does not hold', async () => {
    const { replies, service, settle, upload } = harness();
    upload(1, containers, 100);
    service.handle({ type: 'commitSnapshot', id: 1, snapshotVersion: 1, total: 500 });
    service.handle({ type: 'plan', id: 2, snapshotVersion: 2, kind: 'stop', nowMs: 0 });
    await settle();
    const reply = replies[1];
    assert.ok(reply?.type === 'error');
    assert.equal(reply.error.code, 'SNAPSHOT_MISSING');
  });

  it('commits an empty snapshot without any chunk', async () => {
    const { replies, service, settle } = harness();
    service.handle({ type: 'commitSnapshot', id: 1, snapshotVersion: 3, total: 0 });
    service.handle({
      type: 'plan',
      id: 2,
      snapshotVersion: 3,
      kind: 'stop',
      selector: '*',
      nowMs: 0,
    });
    await settle();
    const reply = replies[1];
    assert.ok(reply?.type === 'planResult');
    assert.equal(reply.plan.targetIndices.length, 0);
  });

  it('answers a selector syntax error as data with its column and expectation', async () => {
    const { replies, service, settle } = harness();
    service.handle({ type: 'commitSnapshot', id: 1, snapshotVersion: 1, total: 0 });
    service.handle({
      type: 'plan',
      id: 2,
      snapshotVersion: 1,
      kind: 'stop',
      selector: 'status=',
      nowMs: 0,
    });
    service.handle({ type: 'validateSelector', id: 3, text: 'status=' });
    service.handle({ type: 'validateSelector', id: 4, text: 'state=exited web' });
    await settle();
    assert.deepEqual(replies.slice(1), [
      {
        type: 'error',
        id: 2,
        error: {
          name: 'SelectorSyntaxError',
          code: 'SELECTOR_SYNTAX',
          message: 'Expected a value after "status=" at column 8',
          column: 8,
          expected: 'a value',
        },
      },
      {
        type: 'selectorValidation',
        id: 3,
        result: {
          valid: false,
          column: 8,
          expected: 'a value',
          message: 'Expected a value after "status=" at column 8',
        },
      },
      {
        type: 'selectorValidation',
        id: 4,
        result: { valid: true, canonical: 'status=exited name=web' },
      },
    ]);
  });

  it('answers a malformed request that has an id, and silently drops one without', async () => {
    const { replies, service, settle } = harness();
    service.handle({ type: 'plan', id: 7 });
    service.handle({ type: 'nonsense' });
    service.handle(42);
    await settle();
    assert.deepEqual(replies, [
      {
        type: 'error',
        id: 7,
        error: {
          name: 'PlannerRequestError',
          code: 'MALFORMED_REQUEST',
          message: 'Malformed planner request',
        },
      },
    ]);
  });

  it('drops a request cancelled before it ran', async () => {
    const { replies, service, settle } = harness();
    service.handle({ type: 'validateSelector', id: 1, text: 'a' });
    service.handle({ type: 'validateSelector', id: 2, text: 'b' });
    service.handle({ type: 'cancel', id: 1 });
    await settle();
    assert.deepEqual(replies.map((r) => r.id), [2]);
  });
});
