import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createBrokenContainer, createFleet, type FleetContainer } from
  '../../../scripts/sandbox/fleet';
import { DockerAdapter } from '../../../src/engine/docker/dockerAdapter';
import { parseEndpoint } from '../../../src/engine/docker/resolveEndpoint';
import { HistoryStore } from '../../../src/engine/history/historyStore';
import type { ContainerState } from '../../../src/engine/model/container';
import type {
  OperationKind,
  OperationRecord,
  OperationTarget,
} from '../../../src/engine/model/operation';
import { BulkEngine, OperationRefusedError } from '../../../src/engine/operation/bulkEngine';
import { withSandbox } from '../../support/engineSandbox';

const FLEET_SIZE = 200;
const HOST = 'sandbox';

describe('BulkEngine against a real Docker engine', function () {
  this.timeout(600_000);
  const ctx = withSandbox({ name: 'engine' });
  let adapter: DockerAdapter;
  let engine: BulkEngine;
  let historyDir: string;
  let fleet: FleetContainer[];

  before(async function () {
    this.timeout(300_000);
    adapter = new DockerAdapter({
      endpoint: parseEndpoint(ctx.sandbox.dockerHost),
      hostName: HOST,
    });
    historyDir = mkdtempSync(join(tmpdir(), 'stevedore-history-'));
    engine = new BulkEngine({
      adapters: [adapter],
      history: new HistoryStore(historyDir),
      // The engine here is small; a short outage limit keeps a dead daemon from hanging tests.
      maxOutageMs: 60_000,
    });
    fleet = await createFleet(ctx.docker, {
      count: FLEET_SIZE,
      image: ctx.imageRef,
      prefix: 'it',
      groups: 10,
    });
  });

  after(async () => {
    await engine?.dispose();
    rmSync(historyDir, { recursive: true, force: true });
  });

  /** The engine's own view of each container's state, by id ("missing" when gone). */
  async function realStates(ids: readonly string[]): Promise<Map<string, ContainerState>> {
    const listed = await adapter.list(AbortSignal.timeout(30_000));
    const byId = new Map(listed.map((c) => [c.id, c.state]));
    return new Map(ids.map((id) => [id, byId.get(id) ?? ('missing' as ContainerState)]));
  }

  async function targetsOf(ids: readonly string[]): Promise<OperationTarget[]> {
    const states = await realStates(ids);
    const names = new Map(fleet.map((c) => [c.id, c.name]));
    return ids.map((id) => ({
      id,
      name: names.get(id) ?? id,
      state: states.get(id) ?? 'created',
      host: HOST,
    }));
  }

  async function run(
    kind: OperationKind,
    ids: readonly string[],
    options: Record<string, unknown> = {},
  ): Promise<OperationRecord> {
    const handle = engine.submit({ kind, targets: await targetsOf(ids), options });
    return handle.done;
  }

  function countOf(record: OperationRecord, state: string): number {
    return record.items.filter((i) => i.state === state).length;
  }

  function assertAllIn(states: Map<string, ContainerState>, expected: ContainerState[]): void {
    const wrong = [...states].filter(([, s]) => !expected.includes(s));
    assert.deepEqual(wrong, [], `containers not in ${expected.join('/')}`);
  }

  it('starts every container of a 200-container fleet and the engine shows them running',
    async () => {
      const record = await run('start', fleet.map((c) => c.id));

      assert.equal(record.status, 'completed');
      assert.equal(countOf(record, 'succeeded'), FLEET_SIZE);
      assertAllIn(await realStates(fleet.map((c) => c.id)), ['running']);
    });

  it('counts a start of containers that already run as skipped, not failed', async () => {
    const ids = fleet.slice(0, 20).map((c) => c.id);

    const record = await run('start', ids);

    assert.equal(record.status, 'completed');
    assert.equal(countOf(record, 'skipped'), 20);
    assert.ok(record.items.every((i) => i.reason === 'already in the requested state'));
  });

  it('pauses then unpauses the whole fleet', async () => {
    const ids = fleet.map((c) => c.id);

    const paused = await run('pause', ids);
    assert.equal(countOf(paused, 'succeeded'), FLEET_SIZE);
    assertAllIn(await realStates(ids), ['paused']);

    const unpaused = await run('unpause', ids);
    assert.equal(countOf(unpaused, 'succeeded'), FLEET_SIZE);
    assertAllIn(await realStates(ids), ['running']);
  });

  it('restarts containers, and each one runs again with a new start time', async () => {
    const ids = fleet.slice(0, 40).map((c) => c.id);
    const inspectAll = () =>
      Promise.all(ids.map((id) => adapter.inspect(id, AbortSignal.timeout(10_000))));
    const before = await inspectAll();

    const record = await run('restart', ids, { graceSeconds: 1 });

    assert.equal(countOf(record, 'succeeded'), ids.length);
    const after = await inspectAll();
    for (const [i, inspected] of after.entries()) {
      assert.equal(inspected.state, 'running');
      assert.notEqual(inspected.startedAt, before[i]?.startedAt, `${inspected.name} restarted`);
    }
  });

  it('stops the fleet with a grace period, containers that ignore SIGTERM included', async () => {
    const ids = fleet.map((c) => c.id);
    assert.ok(fleet.some((c) => !c.honoursSigterm) && fleet.some((c) => c.honoursSigterm));

    const record = await run('stop', ids, { graceSeconds: 1 });

    assert.equal(record.status, 'completed');
    assert.equal(countOf(record, 'succeeded'), FLEET_SIZE);
    assertAllIn(await realStates(ids), ['exited']);
  });

  it('cancels a start half-way, then rolls back exactly what it had started', async () => {
    const ids = fleet.map((c) => c.id);
    const targets = await targetsOf(ids);
    const handle = engine.submit({
      kind: 'start',
      targets,
      options: { concurrency: 4, graceSeconds: 1 },
    });
    await new Promise<void>((resolve) => {
      const sub = engine.onItem((e) => {
        const done = engine.get(handle.id)?.items.filter((i) => i.state === 'succeeded').length;
        if (e.operationId === handle.id && (done ?? 0) >= 30) {
          sub.dispose();
          resolve();
        }
      });
    });

    engine.cancel(handle.id);
    const afterCancel = engine.get(handle.id);
    assert.equal(afterCancel?.items.filter((i) => i.state === 'queued').length, 0);
    const cancelled = await handle.done;

    assert.equal(cancelled.status, 'cancelled');
    const started = cancelled.items.filter((i) => i.state === 'succeeded').map((i) => i.id);
    assert.ok(started.length >= 30 && started.length < FLEET_SIZE, `${started.length} started`);
    assert.equal(countOf(cancelled, 'succeeded') + countOf(cancelled, 'cancelled'), FLEET_SIZE);
    const midway = await realStates(ids);
    for (const item of cancelled.items) {
      assert.equal(midway.get(item.id), item.state === 'succeeded' ? 'running' : 'exited',
        `${item.name} is ${item.state} in the record`);
    }

    const rolledBack = await engine.rollback(handle.id);

    assert.equal(rolledBack.status, 'rolledBack');
    assert.equal(countOf(rolledBack, 'rolledBack'), started.length);
    assertAllIn(await realStates(ids), ['exited']);
  });

  it('refuses to roll back a removal before touching anything', async () => {
    const victim = fleet[fleet.length - 1]!;
    const record = await run('remove', [victim.id], { force: true });
    assert.equal(countOf(record, 'succeeded'), 1);

    assert.throws(() => engine.rollback(record.id), OperationRefusedError);
    fleet = fleet.slice(0, -1);
  });

  it('fails items for real reasons, keeps going, and retries them when asked', async () => {
    const broken = await createBrokenContainer(ctx.docker, ctx.imageRef, 'it-broken');
    const gone = fleet[0]!;
    const held = fleet[1]!;
    const healthy = fleet.slice(2, 12);
    // A paused container refuses a start (409) until someone unpauses it.
    await run('start', [held.id]);
    await run('pause', [held.id]);
    const targets = await targetsOf([broken.id, held.id, ...healthy.map((c) => c.id), gone.id]);
    // Another client removes a container after the operation fixed its targets.
    await ctx.docker.getContainer(gone.id).remove({ force: true });
    fleet = fleet.filter((c) => c.id !== gone.id);

    const handle = engine.submit({
      kind: 'start',
      targets,
      options: { concurrency: 2, failureThreshold: 1 },
    });
    const record = await handle.done;

    const byId = new Map(record.items.map((i) => [i.id, i]));
    assert.equal(record.status, 'failed');
    assert.equal(byId.get(gone.id)?.error?.code, 'NOT_FOUND');
    assert.equal(byId.get(gone.id)?.attempts, 1);
    assert.equal(byId.get(held.id)?.error?.code, 'CONFLICT');
    assert.match(byId.get(broken.id)?.error?.message ?? '', /does-not-exist|no such file/i);
    assert.ok(healthy.every((c) => byId.get(c.id)?.state === 'succeeded'));

    await ctx.docker.getContainer(held.id).unpause();
    await ctx.docker.getContainer(held.id).stop({ t: 0 });
    const retried = await engine.retry(handle.id, [held.id]);
    assert.equal(retried.items.find((i) => i.id === held.id)?.state, 'succeeded');
    assert.equal((await realStates([held.id])).get(held.id), 'running');

    const again = await engine.retry(handle.id);
    assert.equal(again.items.find((i) => i.id === broken.id)?.state, 'failed');
    assert.equal(again.items.find((i) => i.id === gone.id)?.state, 'failed');
    await ctx.docker.getContainer(broken.id).remove({ force: true });
  });

  it('kills running containers', async () => {
    const ids = fleet.slice(0, 20).map((c) => c.id);
    await run('start', ids);

    const record = await run('kill', ids);

    assert.equal(countOf(record, 'succeeded') + countOf(record, 'skipped'), ids.length);
    assertAllIn(await realStates(ids), ['exited']);
  });

  it('keeps every operation in a history that a new store reads back', async () => {
    await engine.dispose();
    const reloaded = new HistoryStore(historyDir);
    const { operations, warnings } = await reloaded.load();

    assert.deepEqual(warnings, []);
    assert.ok(operations.length >= 10, `${operations.length} operations in history`);
    assert.ok(operations.every((op) => op.status !== 'running' && op.status !== 'queued'));
    const first = operations[operations.length - 1]!;
    assert.equal(first.kind, 'start');
    assert.equal(first.items.length, FLEET_SIZE);

    engine = new BulkEngine({ adapters: [adapter], history: new HistoryStore(historyDir) });
  });

  it('removes the whole fleet with force, leaving nothing behind', async () => {
    const ids = fleet.map((c) => c.id);

    const record = await run('remove', ids, { force: true });

    assert.equal(countOf(record, 'succeeded'), ids.length);
    assertAllIn(await realStates(ids), ['missing' as ContainerState]);
  });
});
