import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';

import { createFleet } from '../../../scripts/sandbox/fleet';
import type { CliResult } from '../../../src/cli/cliResult';
import type { OperationRecord } from '../../../src/engine/model/operation';
import { withSandbox } from '../../support/engineSandbox';
import {
  crash,
  duplicateIds,
  eventually,
  outcomes,
  realStates,
  recordedEngine,
  type RecordedEngine,
  report,
  sandboxAdapter,
  startCli,
  targetsOf,
} from './reliabilityKit';

// Removal is the operation whose effect outlives a crash: the sandbox's restart kills every
// container the crash left running, so started or paused containers all come back exited,
// whatever the operation did; a removed container stays removed. See docs/reliability.md.
describe('When the Docker daemon is killed in the middle of an operation', function () {
  this.timeout(300_000);
  const ctx = withSandbox({ name: 'crash' });
  let recorded: RecordedEngine | undefined;
  let historyDir: string;

  before(() => {
    historyDir = mkdtempSync('/tmp/stevedore-crash-history-');
  });

  after(() => rmSync(historyDir, { recursive: true, force: true }));

  afterEach(async () => {
    await recorded?.engine.dispose();
    recorded = undefined;
  });

  /** The instants the engine logged the outage's start and end. */
  function outageWindow(r: RecordedEngine): { downMs: number; upMs: number } {
    const down = r.log.find((l) => l.level === 'warn' && /is unreachable/.test(l.message));
    const up = r.log.find((l) => /answers again/.test(l.message));
    assert.ok(down, 'the engine logged the outage');
    assert.ok(up && up.atMs >= down.atMs, 'the engine logged that the daemon came back');
    return { downMs: down.atMs, upMs: up.atMs };
  }

  /** Kills the daemon from inside the item listener once `n` items have succeeded. */
  function crashAfter(r: RecordedEngine, n: number): { crashed: Promise<number> } {
    let succeeded = 0;
    let fire!: (atMs: number) => void;
    const crashed = new Promise<number>((resolve) => (fire = resolve));
    const sub = r.engine.onItem((e) => {
      if (e.item.state !== 'succeeded' || ++succeeded !== n) return;
      sub.dispose();
      ctx.sandbox.kill('SIGKILL');
      fire(Date.now());
    });
    return { crashed };
  }

  /** Items that were sent and not yet answered at `atMs`, from the engine's item events. */
  function inFlightAt(r: RecordedEngine, atMs: number): Set<string> {
    const last = new Map<string, string>();
    for (const c of r.items) if (c.atMs <= atMs) last.set(c.item.id, c.item.state);
    return new Set([...last].filter(([, state]) => state === 'running').map(([id]) => id));
  }

  function assertOutcomesMatch(
    record: OperationRecord,
    states: Map<string, string>,
    expected: { done: string; notDone: (state: string) => boolean },
  ): void {
    for (const item of record.items) {
      const state = states.get(item.id) ?? 'unknown';
      if (item.state === 'succeeded') {
        assert.equal(state, expected.done, `${item.name} is ${item.state} but ${state}`);
      } else {
        assert.ok(expected.notDone(state), `${item.name} is ${item.state} but ${state}`);
      }
    }
  }

  it('a 300-container removal shows the engine unreachable, waits, resumes, and every ' +
    'outcome matches the engine', async () => {
    const fleet = await createFleet(ctx.docker, { count: 300, image: ctx.imageRef,
      prefix: 'crash' });
    const ids = fleet.map((c) => c.id);
    const r = (recorded = recordedEngine(ctx.sandbox));
    const { crashed } = crashAfter(r, 150);

    const handle = r.engine.submit({
      kind: 'remove',
      targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 8, force: true },
    });
    const crashedMs = await crashed;
    const inFlightAtCrash = inFlightAt(r, crashedMs);
    await eventually(() => r.snapshots.some((s) => s.engineProblem !== undefined),
      'a snapshot naming the engine problem');
    await crash(ctx.sandbox);
    await ctx.sandbox.restart();
    const restartedMs = Date.now();
    const record = await handle.done;

    const { downMs, upMs } = outageWindow(r);
    const problem = r.snapshots.find((s) => s.engineProblem)?.engineProblem ?? '';
    assert.match(problem, /unreachable/);
    const sentWhileDown = r.items.filter((c) => c.item.state === 'running' &&
      c.atMs > downMs && c.atMs < upMs);
    assert.deepEqual(sentWhileDown.map((c) => c.item.name), [], 'nothing sent while down');
    const doneAfter = r.items.filter((c) => c.item.state === 'succeeded' && c.atMs > upMs);
    assert.ok(doneAfter.length > 0, 'the operation resumed once the engine was back');
    assert.deepEqual(duplicateIds(record), []);
    assert.equal(record.items.length, 300);
    const states = await realStates(r.adapter, ids);
    assertOutcomesMatch(record, states, { done: 'missing', notDone: (s) => s !== 'missing' });
    assert.equal(record.status, 'completed', JSON.stringify(outcomes(record)));
    report('crash during a 300-container removal', {
      items: record.items.length,
      outcomes: outcomes(record),
      inFlightAtCrash: inFlightAtCrash.size,
      inFlightAtCrashEnded: outcomes({ ...record,
        items: record.items.filter((i) => inFlightAtCrash.has(i.id)) }),
      doneBeforeCrash: r.items.filter((c) => c.item.state === 'succeeded' &&
        c.atMs <= crashedMs).length,
      doneAfterRestart: doneAfter.length,
      outageShownMs: upMs - downMs,
      restartTookMs: restartedMs - crashedMs,
      engineProblem: problem,
    });
  });

  it('a start reports as done only containers the crashed daemon had started, and starts ' +
    'the rest once it is back', async () => {
    const fleet = await createFleet(ctx.docker, { count: 30, image: ctx.imageRef,
      prefix: 'crash-start' });
    const ids = fleet.map((c) => c.id);
    const r = (recorded = recordedEngine(ctx.sandbox));
    const { crashed } = crashAfter(r, 15);

    const handle = r.engine.submit({
      kind: 'start',
      targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 6 },
    });
    const crashedMs = await crashed;
    const inFlightAtCrash = inFlightAt(r, crashedMs);
    await crash(ctx.sandbox);
    await ctx.sandbox.restart();
    const record = await handle.done;

    const { upMs } = outageWindow(r);
    const successAt = new Map(r.items.filter((c) => c.item.state === 'succeeded')
      .map((c) => [c.item.id, c.atMs]));
    const startedBefore = record.items.filter((i) =>
      (successAt.get(i.id) ?? Infinity) <= crashedMs);
    const startedAfter = record.items.filter((i) => (successAt.get(i.id) ?? 0) > upMs);
    // The crash can leave a container's task directory behind, and containerd then refuses
    // to start it ("failed to start shim: ... file exists"): a real failure, reported so.
    const failed = record.items.filter((i) => i.state === 'failed');
    assert.equal(startedBefore.length + startedAfter.length + failed.length, 30,
      JSON.stringify(outcomes(record)));
    // The daemon's own record of each container, which survives its crash: a start done
    // before the crash has a start time before it, one done after the restart runs now.
    const inspected = new Map(await Promise.all(ids.map(async (id) => [id,
      await ctx.docker.getContainer(id).inspect({ abortSignal: AbortSignal.timeout(10_000) }),
    ] as const)));
    for (const item of startedBefore) {
      const state = inspected.get(item.id)!.State;
      const startedMs = Date.parse(state.StartedAt);
      assert.ok(startedMs > 0 && startedMs <= crashedMs, `${item.name} started ${state.StartedAt}`);
      assert.equal(state.Running, false, `${item.name} was stopped by the crash`);
    }
    for (const item of startedAfter) {
      const state = inspected.get(item.id)!.State;
      assert.equal(state.Running, true, `${item.name} runs`);
      assert.ok(Date.parse(state.StartedAt) > crashedMs, `${item.name} started after`);
    }
    for (const item of failed) {
      assert.equal(inspected.get(item.id)!.State.Running, false, `${item.name} does not run`);
      assert.match(item.error?.message ?? '', /^start [0-9a-f]{64}: \S/, item.name);
    }
    report('crash during a 30-container start', {
      items: record.items.length,
      outcomes: outcomes(record),
      inFlightAtCrash: inFlightAtCrash.size,
      doneBeforeCrash: startedBefore.length,
      doneAfterRestart: startedAfter.length,
      failedAfterRestart: failed.map((i) => i.error?.message.replace(/^start \w+: /, '')),
    });
  });

  it('the CLI waits out a crashed daemon, says so, and its JSON matches the engine',
    async () => {
      const fleet = await createFleet(ctx.docker, { count: 40, image: ctx.imageRef,
        prefix: 'crash-cli' });
      const ids = fleet.map((c) => c.id);
      const events = await ctx.docker.getEvents({ filters: { event: ['destroy'] } });
      let destroyed = 0;
      const tenGone = new Promise<void>((resolve) => events.on('data', () => {
        if (++destroyed === 10) resolve();
      }));
      // The stream dies with the daemon; that is expected here, not an error to report.
      events.on('error', () => undefined);
      const cli = startCli(['remove', ...ids, '--force', '--concurrency', '2', '--json',
        '--history', historyDir], { env: { DOCKER_HOST: ctx.sandbox.dockerHost } });

      await tenGone;
      ctx.sandbox.kill('SIGKILL');
      (events as unknown as { destroy(): void }).destroy();
      await eventually(() => /is unreachable; waiting/.test(cli.stderr()), 'the CLI saying so');
      await crash(ctx.sandbox);
      await ctx.sandbox.restart();
      const run = await cli.done;

      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout) as CliResult;
      assert.equal(result.total, 40);
      assert.equal(result.succeeded, 40, JSON.stringify(result.items.filter((i) =>
        i.outcome !== 'succeeded')));
      const states = await realStates(sandboxAdapter(ctx.sandbox), ids);
      assert.deepEqual([...new Set(states.values())], ['missing']);
      // One line per outage, not per item: a daemon that is starting again may answer a ping
      // and then drop a request once more, which is a second, real outage (seen under load).
      const told = run.stderr.match(/is unreachable; waiting/g)?.length ?? 0;
      assert.ok(told >= 1 && told <= 3, run.stderr);
      report('CLI during a crash', { items: result.total, succeeded: result.succeeded,
        stderr: run.stderr.trim().split('\n') });
    });

  it('a cancel during the outage ends the operation once the engine is back, and what it ' +
    'reports matches the engine', async () => {
    const fleet = await createFleet(ctx.docker, { count: 120, image: ctx.imageRef,
      prefix: 'crash-cancel' });
    const ids = fleet.map((c) => c.id);
    const r = (recorded = recordedEngine(ctx.sandbox));
    const { crashed } = crashAfter(r, 30);
    const handle = r.engine.submit({
      kind: 'remove',
      targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 6, force: true },
    });
    let endedMs: number | undefined;
    void handle.done.then(() => (endedMs = Date.now()));

    await crashed;
    await crash(ctx.sandbox);
    await eventually(() => r.snapshots.some((s) => s.engineProblem !== undefined),
      'a snapshot naming the engine problem');
    r.engine.cancel(handle.id);
    const waiting = r.engine.snapshot(handle.id)?.counts.running ?? 0;
    await ctx.sandbox.restart();
    const restartedMs = Date.now();
    const record = await handle.done;

    assert.ok(waiting > 0, 'requests whose answers were lost waited for the engine');
    assert.ok(endedMs !== undefined && endedMs >= restartedMs, 'it ended after the restart');
    assert.equal(record.status, 'cancelled');
    assert.deepEqual(duplicateIds(record), []);
    const states = await realStates(r.adapter, ids);
    assertOutcomesMatch(record, states, { done: 'missing', notDone: (s) => s !== 'missing' });
    assert.ok(record.items.every((i) => i.state === 'succeeded' || i.state === 'cancelled'),
      JSON.stringify(outcomes(record)));
    report('cancel during an outage, engine back', {
      items: record.items.length,
      outcomes: outcomes(record),
      uncertainAtCancel: waiting,
    });
  });

  it('a cancel during an outage longer than the limit ends the operation at the limit, ' +
    'failing only the items whose fate is unknown', async () => {
    const fleet = await createFleet(ctx.docker, { count: 120, image: ctx.imageRef,
      prefix: 'crash-limit' });
    const ids = fleet.map((c) => c.id);
    const r = (recorded = recordedEngine(ctx.sandbox, { maxOutageMs: 3_000 }));
    const { crashed } = crashAfter(r, 30);
    const handle = r.engine.submit({
      kind: 'remove',
      targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 6, force: true },
    });

    await crashed;
    await crash(ctx.sandbox);
    await eventually(() => r.snapshots.some((s) => s.engineProblem !== undefined),
      'a snapshot naming the engine problem');
    r.engine.cancel(handle.id);
    const record = await handle.done;
    await ctx.sandbox.restart();

    assert.equal(record.status, 'cancelled');
    const failed = record.items.filter((i) => i.state === 'failed');
    assert.ok(failed.length > 0, 'the requests in flight at the crash failed');
    for (const item of failed) assert.equal(item.error?.code, 'UNREACHABLE', item.name);
    const states = await realStates(r.adapter, ids);
    for (const item of record.items) {
      const state = states.get(item.id);
      if (item.state === 'succeeded') assert.equal(state, 'missing', item.name);
      if (item.state === 'cancelled') assert.notEqual(state, 'missing', item.name);
    }

    const retried = await r.engine.retry(handle.id);
    for (const item of failed) {
      assert.equal(retried.items.find((i) => i.id === item.id)?.state, 'succeeded', item.name);
    }
    report('cancel during an outage past the limit', {
      items: record.items.length,
      outcomes: outcomes(record),
      failedCodes: failed.map((i) => i.error?.code),
      removedAnywayByTheLostRequest: failed.filter((i) => states.get(i.id) === 'missing').length,
      afterRetry: outcomes(retried),
    });
  });
});
