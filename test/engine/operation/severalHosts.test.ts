import assert from 'node:assert/strict';

import type { OperationTarget, ProgressSnapshot } from '../../../src/engine/model/operation';
import { BulkEngine, type BulkEngineOptions } from '../../../src/engine/operation/bulkEngine';
import { SimulatedEngine } from '../../support/simulatedEngine';

const FAST_RETRY = { retries: 3, baseDelayMs: 1, maxDelayMs: 4 };

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Takes one target from each list in turn, as a selector over several hosts lists them. */
function interleave(...lists: OperationTarget[][]): OperationTarget[] {
  const out: OperationTarget[] = [];
  const longest = Math.max(...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) if (list[i]) out.push(list[i]!);
  }
  return out;
}

function ghostsOn(host: string, count: number): OperationTarget[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${host}-ghost-${i}`,
    name: `${host}-ghost-${i}`,
    state: 'running' as const,
    host,
  }));
}

function lineOf(snapshot: ProgressSnapshot | undefined, host: string) {
  const line = snapshot?.hosts?.find((h) => h.host === host);
  assert.ok(line, `no progress line for ${host}`);
  return line;
}

describe('BulkEngine over several engines', () => {
  let engines: BulkEngine[] = [];

  afterEach(async () => {
    await Promise.all(engines.map((e) => e.dispose()));
    engines = [];
  });

  function setup(
    hosts: readonly string[],
    options: Partial<BulkEngineOptions> = {},
  ): { sims: SimulatedEngine[]; engine: BulkEngine } {
    const sims = hosts.map((hostName) => new SimulatedEngine({ hostName }));
    const engine = new BulkEngine({ adapters: sims, retry: FAST_RETRY, ...options });
    engines.push(engine);
    return { sims, engine };
  }

  it('finishes the other hosts while one is down, and its own items once it is back', async () => {
    const { sims, engine } = setup(['a', 'b', 'c'], { maxOutageMs: 60_000 });
    const [a, b, c] = sims as [SimulatedEngine, SimulatedEngine, SimulatedEngine];
    const fleets = [a.addFleet(60, 'running', 'a'), b.addFleet(60, 'running', 'b'),
      c.addFleet(60, 'running', 'c')];
    b.down();

    const handle = engine.submit({
      kind: 'stop',
      targets: interleave(...fleets),
      options: { concurrency: 4 },
    });
    await until(() => {
      const s = engine.snapshot(handle.id);
      return s?.hosts?.every((h) => h.host === 'b' || h.counts.succeeded === 60) ?? false;
    }, 'hosts a and c to finish');
    const whileDown = engine.snapshot(handle.id);
    b.up();
    const record = await handle.done;

    assert.equal(lineOf(whileDown, 'b').counts.succeeded, 0);
    assert.equal(lineOf(whileDown, 'b').counts.failed, 0);
    assert.match(lineOf(whileDown, 'b').engineProblem ?? '', /b is unreachable/);
    assert.equal(lineOf(whileDown, 'a').engineProblem, undefined);
    assert.equal(record.status, 'completed');
    for (const [i, sim] of sims.entries()) {
      for (const t of fleets[i]!) assert.equal(sim.stateOf(t.id), 'exited', t.id);
    }
  });

  it('holds only the host whose failures trip the guard, and the others finish', async () => {
    const { sims, engine } = setup(['a', 'b'], { guard: { minSample: 10, threshold: 0.2 } });
    const [a, b] = sims as [SimulatedEngine, SimulatedEngine];
    const healthy = a.addFleet(30, 'running', 'a');
    // Twelve that are gone, then eighteen that stop: after "continue" b stays below 20%.
    const failing = [...ghostsOn('b', 12), ...b.addFleet(18, 'running', 'b')];

    const handle = engine.submit({
      kind: 'stop',
      targets: interleave(healthy, failing),
      options: { concurrency: 2 },
    });
    await until(() => {
      const s = engine.snapshot(handle.id);
      return s?.status === 'guarded' && lineOf(s, 'a').counts.succeeded === 30;
    }, 'host a to finish while b is guarded');
    const guarded = engine.snapshot(handle.id);
    engine.decide(handle.id, 'continue');
    const record = await handle.done;

    assert.match(lineOf(guarded, 'b').guardReason ?? '', /^1\d of 1\d items failed/);
    assert.equal(lineOf(guarded, 'a').guardReason, undefined);
    assert.match(guarded?.guardReason ?? '', /^b: 1\d of 1\d items failed/);
    assert.ok(lineOf(guarded, 'b').counts.queued >= 16, 'b sent nothing more while held');
    assert.equal(record.status, 'failed');
    assert.equal(record.items.filter((i) => i.state === 'succeeded').length, 48);
    assert.equal(record.items.filter((i) => i.state === 'failed').length, 12);
    for (const t of healthy) assert.equal(a.stateOf(t.id), 'exited');
  });

  it('gives one progress line per host whose counts add up to the operation\'s', async () => {
    const { sims, engine } = setup(['a', 'b']);
    const [a, b] = sims as [SimulatedEngine, SimulatedEngine];
    const targets = interleave(a.addFleet(40, 'running', 'a'), b.addFleet(20, 'exited', 'b'));
    const snapshots: ProgressSnapshot[] = [];
    engine.onProgress((s) => snapshots.push(s));

    await engine.submit({ kind: 'stop', targets }).done;
    const last = snapshots.at(-1);

    assert.deepEqual(last?.hosts?.map((h) => [h.host, h.total]), [['a', 40], ['b', 20]]);
    assert.equal(lineOf(last, 'a').counts.succeeded, 40);
    assert.equal(lineOf(last, 'b').counts.skipped, 20);
    assert.equal(last?.counts.succeeded, 40);
    assert.equal(last?.counts.skipped, 20);
  });

  it('gives no per-host lines to an operation on one engine', async () => {
    const { sims, engine } = setup(['a', 'b']);
    const targets = sims[0]!.addFleet(10, 'running', 'a');

    await engine.submit({ kind: 'stop', targets }).done;

    assert.equal(engine.snapshot(engine.list()[0]!.id)?.hosts, undefined);
  });
});
