import assert from 'node:assert/strict';

import { createFleet, startContainers } from '../../../scripts/sandbox/fleet';
import type { ContainerState } from '../../../src/engine/model/container';
import type { OperationKind, OperationRecord } from '../../../src/engine/model/operation';
import { withSandbox } from '../../support/engineSandbox';
import {
  duplicateIds,
  eventually,
  outcomes,
  realStates,
  recordedEngine,
  type RecordedEngine,
  type RecordedEngineOptions,
  report,
  targetsOf,
} from './reliabilityKit';

const FLEET_SIZE = 32;

describe('When the Docker daemon stops answering', function () {
  this.timeout(240_000);
  const ctx = withSandbox({ name: 'hang' });
  let ids: string[];
  let recorded: RecordedEngine | undefined;

  before(async function () {
    this.timeout(240_000);
    const fleet = await createFleet(ctx.docker, { count: FLEET_SIZE, image: ctx.imageRef,
      prefix: 'hang' });
    ids = fleet.map((c) => c.id);
    await startContainers(ctx.docker, ids, { concurrency: 8 });
  });

  afterEach(async () => {
    ctx.sandbox.thaw();
    await recorded?.engine.dispose();
    recorded = undefined;
  });

  interface FaultRun {
    readonly r: RecordedEngine;
    readonly record: OperationRecord;
    /** When the fault began and when the engine said it answers again (if it did). */
    readonly frozenMs: number;
    readonly downMs: number;
    readonly upMs: number | undefined;
    readonly listedWhileFrozen: number | undefined;
  }

  /**
   * Runs `kind` on `targetIds`, freezes `part` once `after` items succeeded, keeps it
   * frozen until the engine has shown the problem for `holdMs` (or for good when
   * `thaw` is false), and returns everything the engine reported.
   */
  async function runWithFreeze(options: {
    kind: OperationKind;
    targetIds: readonly string[];
    part: 'dockerd' | 'containerd';
    after: number;
    holdMs: number;
    thaw: boolean;
    engine?: RecordedEngineOptions;
  }): Promise<FaultRun> {
    const r = (recorded = recordedEngine(ctx.sandbox, options.engine));
    let succeeded = 0;
    let frozen: Promise<number> | undefined;
    const sub = r.engine.onItem((e) => {
      if (e.item.state !== 'succeeded' || ++succeeded !== options.after) return;
      sub.dispose();
      frozen = ctx.sandbox.freeze(options.part).then(() => Date.now());
    });
    const handle = r.engine.submit({
      kind: options.kind,
      targets: await targetsOf(r.adapter, options.targetIds),
      options: { concurrency: 4, graceSeconds: 0 },
    });

    await eventually(() => frozen !== undefined, `${options.after} items done`);
    const frozenMs = await frozen!;
    await eventually(() => r.snapshots.some((s) => s.engineProblem), 'the problem shown');
    const listedWhileFrozen = options.part === 'containerd'
      ? (await r.adapter.list(AbortSignal.timeout(5_000))).length
      : undefined;
    const firstShown = r.snapshots.find((s) => s.engineProblem)!.atMs;
    if (options.thaw) {
      await eventually(() => Date.now() - firstShown > options.holdMs, 'the fault held');
      ctx.sandbox.thaw();
    }
    const record = await handle.done;
    ctx.sandbox.thaw();

    const down = r.log.find((l) => l.level === 'warn' && /not answering/.test(l.message));
    assert.ok(down, `the engine logged that the daemon is not answering: ${logText(r)}`);
    const up = r.log.find((l) => /answers again/.test(l.message) && l.atMs > down.atMs);
    return { r, record, frozenMs, downMs: down.atMs, upMs: up?.atMs, listedWhileFrozen };
  }

  function logText(r: RecordedEngine): string {
    return r.log.map((l) => `${l.level} ${l.message}`).join('\n');
  }

  /** Item transitions into "running" (a request sent) between two instants. */
  function sentBetween(r: RecordedEngine, fromMs: number, toMs: number): string[] {
    return r.items.filter((c) => c.item.state === 'running' && c.atMs > fromMs &&
      c.atMs < toMs).map((c) => c.item.name);
  }

  function assertDoneMeans(
    record: OperationRecord,
    states: Map<string, ContainerState | 'missing'>,
    target: ContainerState,
  ): void {
    for (const item of record.items) {
      const state = states.get(item.id);
      if (item.state === 'succeeded' || item.state === 'skipped') {
        assert.equal(state, target, `${item.name} is ${item.state} but ${state}`);
      }
    }
  }

  /** Problem texts the snapshots showed, and for how long in all (snapshots 100 ms apart). */
  function problemsShown(r: RecordedEngine): { texts: string[]; snapshots: number } {
    const shown = r.snapshots.filter((s) => s.engineProblem);
    return { texts: [...new Set(shown.map((s) => s.engineProblem!))], snapshots: shown.length };
  }

  it('a pause while dockerd is frozen shows the engine not answering, sends nothing more, ' +
    'and carries on after the thaw', async () => {
    const run = await runWithFreeze({ kind: 'pause', targetIds: ids, part: 'dockerd',
      after: 10, holdMs: 3_000, thaw: true });
    const { r, record } = run;

    assert.ok(run.upMs, `the engine logged that the daemon answers again: ${logText(r)}`);
    assert.deepEqual(sentBetween(r, run.downMs, run.upMs), [], 'nothing sent while frozen');
    assert.match(problemsShown(r).texts.join('|'), /not answering/);
    assert.equal(record.status, 'completed', JSON.stringify(outcomes(record)));
    assert.deepEqual(duplicateIds(record), []);
    const states = await realStates(r.adapter, ids);
    assertDoneMeans(record, states, 'paused');
    assert.ok([...states.values()].every((s) => s === 'paused'), 'every container is paused');
    report('dockerd frozen during a pause, then thawed', {
      items: record.items.length,
      outcomes: outcomes(record),
      shownNotAnsweringMs: run.upMs - run.downMs,
      problem: problemsShown(r),
      doneAfterThaw: r.items.filter((c) => c.item.state === 'succeeded' &&
        c.atMs > run.upMs!).length,
    });

    const unpaused = await r.engine.submit({ kind: 'unpause',
      targets: await targetsOf(r.adapter, ids) }).done;
    assert.equal(unpaused.status, 'completed');
  });

  for (const part of ['dockerd', 'containerd'] as const) {
    it(`a pause while ${part} stays frozen past the outage limit fails the items left with ` +
      'TIMEOUT, and a retry after the thaw finishes them', async () => {
      const targetIds = ids.slice(0, 20);
      const run = await runWithFreeze({ kind: 'pause', targetIds, part, after: 6, holdMs: 0,
        thaw: false, engine: { maxOutageMs: 3_000, deadlines: { pause: 2_000 } } });
      const { r, record } = run;

      assert.equal(record.status, 'failed', JSON.stringify(outcomes(record)));
      const failed = record.items.filter((i) => i.state === 'failed');
      assert.ok(failed.length > 0);
      assert.deepEqual([...new Set(failed.map((i) => i.error?.code))], ['TIMEOUT']);
      assert.match(problemsShown(r).texts.join('|'), /not answering/);
      const states = await realStates(r.adapter, targetIds);
      assertDoneMeans(record, states, 'paused');

      const retried = await r.engine.retry(record.id);
      assert.equal(retried.status, 'completed', JSON.stringify(outcomes(retried)));
      const afterRetry = await realStates(r.adapter, targetIds);
      assert.ok([...afterRetry.values()].every((s) => s === 'paused'), 'every container is paused');
      report(`${part} frozen past the outage limit during a pause`, {
        items: record.items.length,
        outcomes: outcomes(record),
        failedCodes: [...new Set(failed.map((i) => i.error?.code))],
        endedAfterFreezeMs: (record.endedMs ?? 0) - run.frozenMs,
        pausedAnywayByLostRequests: failed.filter((i) => states.get(i.id) === 'paused').length,
        afterRetry: outcomes(retried),
      });

      const unpaused = await r.engine.submit({ kind: 'unpause',
        targets: await targetsOf(r.adapter, targetIds) }).done;
      assert.equal(unpaused.status, 'completed');
    });
  }

  it('a stop while containerd is frozen shows the engine not answering although it still ' +
    'lists, sends nothing new, and carries on after the thaw', async () => {
    const run = await runWithFreeze({ kind: 'stop', targetIds: ids, part: 'containerd',
      after: 10, holdMs: 6_000, thaw: true });
    const { r, record } = run;

    assert.equal(run.listedWhileFrozen, FLEET_SIZE, 'the daemon still lists');
    assert.ok(run.upMs, `the engine logged that the daemon answers again: ${logText(r)}`);
    assert.deepEqual(sentBetween(r, run.downMs, run.upMs), [], 'only lost requests retried');
    assert.match(problemsShown(r).texts.join('|'), /not answering/);
    assert.equal(record.status, 'completed', JSON.stringify(outcomes(record)));
    assert.deepEqual(duplicateIds(record), []);
    const states = await realStates(r.adapter, ids);
    assertDoneMeans(record, states, 'exited');
    assert.ok([...states.values()].every((s) => s === 'exited'), 'every container stopped');
    report('containerd frozen during a stop, then thawed', {
      items: record.items.length,
      outcomes: outcomes(record),
      shownNotAnsweringMs: run.upMs - run.downMs,
      problem: problemsShown(r),
    });
  });
});
