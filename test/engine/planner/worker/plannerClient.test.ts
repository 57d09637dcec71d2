import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { planOperation } from '../../../../src/engine/planner/plan/planOperation';
import { parseSelector } from '../../../../src/engine/planner/selector/parseSelector';
import { SelectorSyntaxError } from '../../../../src/engine/planner/selector/selectorSyntaxError';
import { PlannerClient } from '../../../../src/engine/planner/worker/plannerClient';
import { PlannerCrashedError } from '../../../../src/engine/planner/worker/plannerCrashedError';
import type { WorkerToHostMessage } from '../../../../src/engine/planner/worker/plannerProtocol';
import { isPlannerRequestError } from '../../../../src/engine/planner/worker/plannerRequestError';
import { planInWorker } from '../../../../src/engine/planner/worker/planInWorker';
import { fleet, NOW_MS } from '../containerFixtures';

const WORKER = path.join(__dirname, '../../../../src/engine/planner/worker/plannerWorker.ts');
const FAULTY = path.join(__dirname, 'fixtures/faultyPlannerWorker.ts');
// On Node 20 `--import tsx` does not reach a worker's entry file; the CJS hook does.
const EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];

describe('PlannerClient', function () {
  // Each test starts a worker that compiles TypeScript on the fly.
  this.timeout(60_000);

  const clients: PlannerClient[] = [];
  const client = (workerPath = WORKER, chunkSize?: number): PlannerClient => {
    const created = new PlannerClient({ workerPath, execArgv: EXEC_ARGV, chunkSize });
    clients.push(created);
    return created;
  };
  afterEach(() => {
    clients.splice(0).forEach((c) => c.dispose());
  });

  it('plans 10,000 containers sent in chunks, exactly as planOperation does', async () => {
    const containers = fleet(10_000, 3);
    const planner = client(WORKER, 300);
    const request = {
      kind: 'start' as const,
      selector: 'status=exited,created !name=p1*',
      nowMs: NOW_MS,
      observedRates: { host0: { start: 5 }, host1: { start: 5 }, host2: { start: 5 } },
    };

    const result = await planInWorker(planner, containers, request);

    const expected = planOperation({
      ...request,
      containers,
      selector: parseSelector(request.selector),
    });
    assert.deepEqual(result, expected);
    assert.ok(result.targets.length > 1_000);
    assert.ok(Math.max(...result.waves) >= 1);
  });

  it('uploads a snapshot once and reuses it while the array is the same', async () => {
    const planner = client();
    const first = fleet(1_000);
    const version = await planner.ensureSnapshot(first);
    assert.equal(await planner.ensureSnapshot(first), version);
    assert.equal(planner.loadedSnapshotVersion, version);

    const second = fleet(1_000);
    const next = await planner.ensureSnapshot(second);
    assert.notEqual(next, version);
    const plan = await planInWorker(planner, second, { kind: 'stop', ids: ['p0-web-1'], nowMs: 0 });
    assert.equal(planner.loadedSnapshotVersion, next);
    assert.deepEqual(plan.targets.map((t) => t.name), ['p0-web-1']);
  });

  it('accepts an already parsed selector', async () => {
    const containers = fleet(100);
    const plan = await planInWorker(client(), containers, {
      kind: 'restart',
      selector: parseSelector('name=p1-*'),
      nowMs: 0,
    });
    assert.deepEqual(plan.targets.map((t) => t.name).sort(), [
      'p1-api-1',
      'p1-cache-1',
      'p1-db-1',
      'p1-web-1',
      'p1-worker-1',
    ]);
  });

  it('validates selector text for the input box', async () => {
    const planner = client();
    assert.deepEqual(await planner.validateSelector('state=running web'), {
      valid: true,
      canonical: 'status=running name=web',
    });
    assert.deepEqual(await planner.validateSelector('status='), {
      valid: false,
      column: 8,
      expected: 'a value',
      message: 'Expected a value after "status=" at column 8',
    });
  });

  it('rejects a bad selector with a SelectorSyntaxError, as parsing here would', async () => {
    await assert.rejects(
      planInWorker(client(), fleet(10), { kind: 'stop', selector: 'age>2x', nowMs: 0 }),
      (error: unknown) =>
        error instanceof SelectorSyntaxError &&
        error.column === 5 &&
        error.expected === 'a duration such as 30m, 2h or 1d12h (units s, m, h, d, w)',
    );
  });

  it('rejects a plan against a snapshot it never uploaded with SNAPSHOT_MISSING', async () => {
    const planner = client();
    await assert.rejects(
      planner.plan({ snapshotVersion: 99, kind: 'stop', nowMs: 0 }),
      (error: unknown) => isPlannerRequestError(error, 'SNAPSHOT_MISSING'),
    );
  });

  it('rejects a waiting request with PlannerCrashedError when the worker throws', async () => {
    const planner = client(FAULTY);
    const containers = fleet(200);
    const version = await planner.ensureSnapshot(containers);

    const crashing = planner.plan({
      snapshotVersion: version,
      kind: 'stop',
      selector: 'crash-worker',
      nowMs: 0,
    });
    await assert.rejects(crashing, (error: unknown) => {
      assert.ok(error instanceof PlannerCrashedError);
      assert.ok(error.cause instanceof Error);
      assert.equal(error.cause.message, 'planner fixture crashed on purpose');
      return true;
    });
    assert.equal(planner.loadedSnapshotVersion, undefined);

    const plan = await planInWorker(planner, containers, { kind: 'stop', selector: '*', nowMs: 0 });
    assert.ok(plan.targets.length > 0);
    assert.notEqual(planner.loadedSnapshotVersion, version);
  });

  it('rejects every waiting request when the worker exits, with the exit as cause', async () => {
    const planner = client(FAULTY);
    const containers = fleet(50);
    const version = await planner.ensureSnapshot(containers);

    const exiting = planner.plan({
      snapshotVersion: version,
      kind: 'stop',
      selector: 'exit-worker',
      nowMs: 0,
    });
    const alongside = planner.plan({ snapshotVersion: version, kind: 'stop', nowMs: 0 });
    for (const pending of [exiting, alongside]) {
      await assert.rejects(pending, (error: unknown) => {
        assert.ok(error instanceof PlannerCrashedError);
        assert.equal((error.cause as Error).message, 'the worker exited with code 3');
        return true;
      });
    }

    assert.equal((await planner.validateSelector('x')).valid, true);
  });

  it('rejects requests with PlannerCrashedError when the worker cannot even start', async () => {
    const planner = client(path.join(__dirname, 'fixtures/noSuchWorker.js'));
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(planner.validateSelector('x'), (error: unknown) => {
        assert.ok(error instanceof PlannerCrashedError);
        assert.ok(error.cause instanceof Error);
        return true;
      });
    }
  });

  it('rejects an aborted request with an AbortError and keeps serving others', async () => {
    const planner = client();
    const containers = fleet(2_000);
    const version = await planner.ensureSnapshot(containers);

    const controller = new AbortController();
    const aborted = planner.plan(
      { snapshotVersion: version, kind: 'stop', selector: '*', nowMs: 0 },
      controller.signal,
    );
    controller.abort();
    await assert.rejects(aborted, { name: 'AbortError' });

    await assert.rejects(
      planner.validateSelector('x', AbortSignal.abort()),
      { name: 'AbortError' },
    );
    const plan = await planInWorker(planner, containers, { kind: 'stop', selector: '*', nowMs: 0 });
    assert.ok(plan.targets.length > 0);
  });

  it('stops an upload when its signal aborts', async () => {
    const planner = client(WORKER, 100);
    const controller = new AbortController();
    const upload = planner.ensureSnapshot(fleet(5_000), controller.signal);
    setImmediate(() => controller.abort());
    await assert.rejects(upload, { name: 'AbortError' });
    assert.equal(planner.loadedSnapshotVersion, undefined);
  });

  it('drops replies that are malformed or answer nothing it asked', async () => {
    const containers = fleet(20);
    const plan = await planInWorker(client(FAULTY), containers, {
      kind: 'stop',
      selector: 'garbage-first',
      nowMs: 0,
    });
    assert.deepEqual(plan.targets, []);
  });

  it('fails a request whose reply is garbled instead of leaving it hanging', async () => {
    await assert.rejects(
      planInWorker(client(FAULTY), fleet(20), {
        kind: 'stop',
        selector: 'garbled-reply',
        nowMs: 0,
      }),
      (error: unknown) => isPlannerRequestError(error, 'MALFORMED_REPLY'),
    );
  });

  it('rejects waiting and later requests with an AbortError once disposed', async () => {
    const planner = client();
    const waiting = planner.validateSelector('x');
    planner.dispose();
    await assert.rejects(waiting, { name: 'AbortError' });
    await assert.rejects(planner.validateSelector('x'), { name: 'AbortError' });
  });
});

describe('plannerWorker', function () {
  this.timeout(60_000);

  it('answers a malformed request that has an id and drops messages it cannot read', async () => {
    const worker = new Worker(WORKER, { execArgv: EXEC_ARGV });
    try {
      const replies: WorkerToHostMessage[] = [];
      const twoReplies = new Promise<void>((resolve) => {
        worker.on('message', (message: WorkerToHostMessage) => {
          replies.push(message);
          if (replies.length === 2) {
            resolve();
          }
        });
      });

      worker.postMessage({ type: 'plan', id: 7, kind: 'stop' });
      worker.postMessage({ hello: 'there' });
      worker.postMessage('plan');
      worker.postMessage({ type: 'validateSelector', id: 8, text: 'web' });
      await twoReplies;

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
        { type: 'selectorValidation', id: 8, result: { valid: true, canonical: 'name=web' } },
      ]);
    } finally {
      await worker.terminate();
    }
  });
});
