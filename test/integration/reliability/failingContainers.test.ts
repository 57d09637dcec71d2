import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

import { createBrokenContainer, createFleet } from '../../../scripts/sandbox/fleet';
import type { OperationRecord } from '../../../src/engine/model/operation';
import type { GuardDecision } from '../../../src/engine/operation/operationRun';
import { withSandbox } from '../../support/engineSandbox';
import {
  eventually,
  outcomes,
  realStates,
  recordedEngine,
  type RecordedEngine,
  report,
  targetsOf,
} from './reliabilityKit';

describe('When containers fail to start', function () {
  this.timeout(180_000);
  const ctx = withSandbox({ name: 'failing' });
  let good: string[];
  let broken: string[];
  let mountDir: string;
  let badMount: string;
  const engines: RecordedEngine[] = [];

  before(async function () {
    this.timeout(120_000);
    good = (await createFleet(ctx.docker, { count: 12, image: ctx.imageRef, prefix: 'ok' }))
      .map((c) => c.id);
    broken = [];
    for (const n of [0, 1, 2]) {
      broken.push((await createBrokenContainer(ctx.docker, ctx.imageRef, `broken-${n}`)).id);
    }
    // A bind mount of a missing host path is refused at create; one whose path goes away
    // after the create is refused at start, which is what a fleet meets in real life.
    mountDir = mkdtempSync('/tmp/stevedore-mount-');
    const created = await ctx.docker.createContainer({
      Image: ctx.imageRef,
      name: 'bad-mount',
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'bind', Source: mountDir,
        Target: '/data' }] },
    });
    badMount = created.id;
    rmSync(mountDir, { recursive: true });
  });

  afterEach(async () => {
    const r = engines.pop();
    if (!r) return;
    // Puts the good containers back to stopped for the next test.
    await r.engine.submit({ kind: 'stop', targets: await targetsOf(r.adapter, good),
      options: { graceSeconds: 0 } }).done;
    await r.engine.dispose();
  });

  after(() => rmSync(mountDir, { recursive: true, force: true }));

  function engine(options: Parameters<typeof recordedEngine>[1] = {}): RecordedEngine {
    const r = recordedEngine(ctx.sandbox, options);
    engines.push(r);
    return r;
  }

  it('a missing command and a missing bind source fail with the engine\'s own words, the ' +
    'others start, and a retry starts what was fixed', async () => {
    const r = engine();
    const ids = [...good.slice(0, 4), broken[0]!, badMount];

    const record = await r.engine.submit({ kind: 'start', targets: await targetsOf(r.adapter,
      ids), options: { concurrency: 2 } }).done;

    const byId = new Map(record.items.map((i) => [i.id, i]));
    assert.equal(record.status, 'failed');
    const missing = byId.get(broken[0]!)!;
    assert.equal(missing.state, 'failed');
    assert.equal(missing.error?.code, 'BAD_REQUEST');
    assert.match(missing.error?.message ?? '', /does-not-exist: no such file or directory/);
    const mount = byId.get(badMount)!;
    assert.equal(mount.state, 'failed');
    assert.match(mount.error?.message ?? '', /bind source path does not exist/);
    assert.ok(good.slice(0, 4).every((id) => byId.get(id)?.state === 'succeeded'));
    const states = await realStates(r.adapter, ids);
    for (const id of ids) {
      assert.equal(states.get(id), byId.get(id)?.state === 'succeeded' ? 'running' : 'created');
    }

    mkdirSync(mountDir);
    const retried = await r.engine.retry(record.id);

    const again = new Map(retried.items.map((i) => [i.id, i]));
    assert.equal(again.get(badMount)?.state, 'succeeded');
    assert.equal(again.get(broken[0]!)?.state, 'failed');
    assert.equal(again.get(broken[0]!)?.error?.message, missing.error?.message);
    assert.equal((await realStates(r.adapter, [badMount])).get(badMount), 'running');
    report('containers that cannot start', {
      items: record.items.length,
      outcomes: outcomes(record),
      messages: [missing, mount].map((i) => i.error?.message.replace(/^start \w+: /, '')),
      afterFixAndRetry: outcomes(retried),
    });
    await ctx.docker.getContainer(badMount).stop({ t: 0 });
  });

  /**
   * Starts 5 good containers, then 3 broken ones, then 7 good ones, one at a time, with a
   * guard that trips above 20% after 5 items: it trips at the second broken one.
   */
  async function runUntilGuarded(): Promise<{
    r: RecordedEngine;
    id: string;
    done: Promise<OperationRecord>;
    startedBefore: string[];
    heldBack: string[];
  }> {
    const r = engine({ guard: { threshold: 0.2, minSample: 5 } });
    const ids = [...good.slice(0, 5), ...broken, ...good.slice(5)];
    // No grace: a rollback stops what the start started, half of it ignoring SIGTERM.
    const handle = r.engine.submit({ kind: 'start', targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 1, graceSeconds: 0 } });
    await eventually(() => r.engine.snapshot(handle.id)?.status === 'guarded', 'the guard');
    const sentAtGuard = r.items.filter((c) => c.item.state === 'running').length;
    // Long enough for several requests at the pace this run went; nothing may be sent.
    await delay(1_500);
    assert.equal(r.items.filter((c) => c.item.state === 'running').length, sentAtGuard,
      'no request is sent while the guard holds');
    const snapshot = r.engine.snapshot(handle.id)!;
    assert.match(snapshot.guardReason ?? '', /^2 of 7 items failed \(28\.6%\), above the 20%/);
    const states = await realStates(r.adapter, good);
    return {
      r,
      id: handle.id,
      done: handle.done,
      startedBefore: good.filter((id) => states.get(id) === 'running'),
      heldBack: good.slice(5).filter((id) => states.get(id) !== 'running'),
    };
  }

  const decisions: readonly GuardDecision[] = ['continue', 'cancel', 'rollback'];
  for (const decision of decisions) {
    it(`the failure guard holds the operation past its threshold, and "${decision}" then ` +
      'acts on the real engine', async () => {
      const { r, id, done, startedBefore, heldBack } = await runUntilGuarded();
      assert.deepEqual(startedBefore, good.slice(0, 5));
      assert.deepEqual(heldBack, good.slice(5));

      r.engine.decide(id, decision);
      const record = await done;

      const states = await realStates(r.adapter, good);
      const running = good.filter((g) => states.get(g) === 'running');
      const counted = outcomes(record);
      if (decision === 'continue') {
        assert.equal(record.status, 'failed');
        assert.deepEqual(counted, { succeeded: 12, failed: 3 });
        assert.deepEqual(running, good);
      } else if (decision === 'cancel') {
        assert.equal(record.status, 'cancelled');
        assert.deepEqual(counted, { succeeded: 5, failed: 2, cancelled: 8 });
        assert.deepEqual(running, good.slice(0, 5));
      } else {
        assert.equal(record.status, 'rolledBack');
        assert.deepEqual(counted, { rolledBack: 5, failed: 2, cancelled: 8 });
        assert.deepEqual(running, []);
      }
      report(`failure guard, then ${decision}`, { items: record.items.length,
        outcomes: counted, runningAfter: running.length });
    });
  }

  it('cancelling an operation the guard holds ends it as cancelled', async () => {
    const { r, id, done } = await runUntilGuarded();

    r.engine.cancel(id);
    const record = await done;

    assert.equal(record.status, 'cancelled');
    assert.deepEqual(outcomes(record), { succeeded: 5, failed: 2, cancelled: 8 });
  });
});
