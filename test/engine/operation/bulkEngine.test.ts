import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  EngineError,
  EngineTimeoutError,
  EngineUnreachableError,
  NotFoundError,
} from '../../../src/engine/docker/engineErrors';
import { HistoryStore } from '../../../src/engine/history/historyStore';
import type { ContainerState } from '../../../src/engine/model/container';
import {
  emptyCounts,
  FINAL_ITEM_STATES,
  type ItemCounts,
  type OperationKind,
  type OperationRecord,
  type OperationTarget,
  type ProgressSnapshot,
} from '../../../src/engine/model/operation';
import {
  BulkEngine,
  type BulkEngineOptions,
  type ItemEvent,
  OperationRefusedError,
} from '../../../src/engine/operation/bulkEngine';
import type { Logger } from '../../../src/engine/util/logger';
import { SimulatedEngine } from '../../support/simulatedEngine';

/** Retries without real waiting, so transient failures cost milliseconds. */
const FAST_RETRY = { retries: 3, baseDelayMs: 1, maxDelayMs: 4 };

/** Polls until `condition` holds; the deadline only keeps a broken engine from hanging. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Lets timers and promise chains already due run, without waiting for anything. */
const settleBriefly = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

function countsOf(record: OperationRecord): ItemCounts {
  const counts = emptyCounts();
  for (const item of record.items) counts[item.state] += 1;
  return counts;
}

function sum(counts: ItemCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function itemOf(record: OperationRecord | undefined, id: string) {
  const item = record?.items.find((i) => i.id === id);
  assert.ok(item, `no item ${id}`);
  return item;
}

function ghosts(count: number, host = 'sim'): OperationTarget[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `ghost-${i}`,
    name: `ghost-${i}`,
    state: 'running' as const,
    host,
  }));
}

describe('BulkEngine over a simulated engine', () => {
  let engines: BulkEngine[] = [];

  afterEach(async () => {
    await Promise.all(engines.map((e) => e.dispose()));
    engines = [];
  });

  function setup(
    options: Partial<BulkEngineOptions> = {},
    sim = new SimulatedEngine(),
  ): { sim: SimulatedEngine; engine: BulkEngine } {
    const engine = new BulkEngine({ adapters: [sim], retry: FAST_RETRY, ...options });
    engines.push(engine);
    return { sim, engine };
  }

  describe('each kind', () => {
    const table: [OperationKind, ContainerState, ContainerState | undefined][] = [
      ['start', 'exited', 'running'],
      ['stop', 'running', 'exited'],
      ['restart', 'running', 'running'],
      ['kill', 'running', 'exited'],
      ['pause', 'running', 'paused'],
      ['unpause', 'paused', 'running'],
      ['remove', 'exited', undefined],
    ];
    for (const [kind, before, after] of table) {
      it(`${kind} takes ${before} containers to ${after ?? 'gone'} and counts them`, async () => {
        const { sim, engine } = setup();
        const targets = sim.addFleet(50, before);

        const record = await engine.submit({ kind, targets }).done;

        assert.equal(record.status, 'completed');
        assert.deepEqual(countsOf(record), { ...emptyCounts(), succeeded: 50 });
        for (const t of targets) {
          assert.equal(sim.stateOf(t.id), after);
          assert.equal(sim.callsFor(t.id, kind), 1);
          assert.equal(itemOf(record, t.id).attempts, 1);
        }
      });
    }
  });

  it('counts a 304 as skipped with its reason, not as a failure', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(10, 'exited');
    // The plan saw them exited; someone started three since.
    for (const t of targets.slice(0, 3)) sim.setState(t.id, 'running');

    const record = await engine.submit({ kind: 'start', targets }).done;

    assert.equal(record.status, 'completed');
    assert.equal(countsOf(record).skipped, 3);
    assert.equal(countsOf(record).succeeded, 7);
    assert.equal(itemOf(record, targets[0]!.id).reason, 'already in the requested state');
  });

  it('records the plan\'s skipped targets with their reason, never sending them', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(5, 'running');
    const [kept, ...rest] = sim.addFleet(2, 'exited', 'idle');

    const record = await engine.submit({
      kind: 'stop',
      targets,
      skipped: [kept!, ...rest].map((target) => ({ target, reason: 'already exited' })),
    }).done;

    assert.equal(record.items.length, 7);
    assert.equal(countsOf(record).skipped, 2);
    assert.equal(itemOf(record, kept!.id).reason, 'already exited');
    assert.equal(sim.callsFor(kept!.id), 0);
  });

  it('completes an operation whose targets the plan all skipped, without a call', async () => {
    const { sim, engine } = setup();
    const idle = sim.addFleet(3, 'exited');

    const record = await engine.submit({
      kind: 'stop',
      targets: [],
      skipped: idle.map((target) => ({ target, reason: 'already exited' })),
    }).done;

    assert.equal(record.status, 'completed');
    assert.equal(countsOf(record).skipped, 3);
    assert.equal(sim.events.length, 0);
  });

  it('keeps the operation\'s requests in flight within its concurrency limit', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(200, 'running');

    await engine.submit({ kind: 'stop', targets, options: { concurrency: 7 } }).done;

    assert.equal(sim.maxInFlight, 7);
  });

  it('sends the higher-priority operation\'s requests first on a shared host cap', async () => {
    const { sim, engine } = setup({ hostCap: 2 });
    const low = sim.addFleet(20, 'running', 'low');
    const high = sim.addFleet(20, 'running', 'high');
    const options = { concurrency: 10 };

    const a = engine.submit({ kind: 'stop', targets: low, options, priority: 0 });
    const b = engine.submit({ kind: 'stop', targets: high, options, priority: 5 });
    await Promise.all([a.done, b.done]);

    // The first two took the free slots; from then on both operations were queued.
    const order = sim.arrivals('stop').slice(2).map((e) => (e.id?.includes('high') ? 'H' : 'L'));
    assert.equal(order.join('').replace(/^H*/, '').replace(/L*$/, ''), '');
  });

  it('starts no item of a wave before every item of the wave before it is done', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(30, 'exited');
    const waves = targets.map((_, i) => i % 3);

    const record = await engine.submit({ kind: 'start', targets, waves }).done;

    assert.equal(record.status, 'completed');
    const waveOf = new Map(targets.map((t, i) => [t.id, waves[i]]));
    const position = (at: 'arrive' | 'answer', wave: number): number[] =>
      sim.events
        .map((e, index) => ({ e, index }))
        .filter(({ e }) => e.at === at && waveOf.get(e.id ?? '') === wave)
        .map(({ index }) => index);
    for (const wave of [1, 2]) {
      assert.ok(Math.min(...position('arrive', wave)) > Math.max(...position('answer', wave - 1)));
    }
  });

  it('lets one chain go on to its next wave while another chain still waits', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(12, 'exited');
    // Two compose projects of six, each with a db wave before a web wave; one db hangs.
    const chains = targets.map((_, i) => (i < 6 ? 0 : 1));
    const waves = targets.map((_, i) => (i % 6 < 3 ? 0 : 1));
    sim.hang(targets[0]!.id);

    const handle = engine.submit({ kind: 'start', targets, waves, chains });
    await until(() => sim.arrivals('start').length === 9, 'all but the waiting web wave');
    await settleBriefly();

    const arrived = new Set(sim.arrivals('start').map((e) => e.id));
    assert.deepEqual(targets.map((t) => (arrived.has(t.id) ? 1 : 0)),
      [1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    await engine.dispose();
    const record = await handle.done;
    for (const t of targets.slice(3, 6)) assert.equal(itemOf(record, t.id).state, 'cancelled');
    for (const t of targets.slice(6)) assert.equal(itemOf(record, t.id).state, 'succeeded');
  });

  describe('cancel', () => {
    /** Cancels once `sent` requests arrived; returns the ids the engine had seen by then. */
    async function cancelAfter(
      sim: SimulatedEngine,
      engine: BulkEngine,
      id: string,
      sent: number,
    ): Promise<Set<string>> {
      await until(() => sim.arrivals('stop').length >= sent, `${sent} stops`);
      engine.cancel(id);
      return new Set(sim.arrivals('stop').map((e) => e.id ?? ''));
    }

    it('cancels every unsent item at once and loses or double-counts none', async () => {
      const { sim, engine } = setup();
      const targets = sim.addFleet(1000, 'running');
      const finals: ItemEvent[] = [];
      engine.onItem((e) => FINAL_ITEM_STATES.has(e.item.state) && finals.push(e));
      const handle = engine.submit({ kind: 'stop', targets, options: { concurrency: 8 } });

      const sent = await cancelAfter(sim, engine, handle.id, 40);

      const now = engine.get(handle.id);
      for (const t of targets) {
        if (!sent.has(t.id)) assert.equal(itemOf(now, t.id).state, 'cancelled', t.id);
      }
      const record = await handle.done;
      assert.equal(record.status, 'cancelled');
      assert.equal(sum(countsOf(record)), 1000);
      assert.equal(countsOf(record).succeeded, sent.size);
      assert.equal(countsOf(record).cancelled, 1000 - sent.size);
      assert.equal(sim.arrivals('stop').length, sent.size, 'nothing was sent after cancel');
      assert.equal(finals.length, 1000, 'one final state per item');
      assert.equal(targets.filter((t) => sim.stateOf(t.id) === 'exited').length, sent.size);
    });

    it('withdraws requests still waiting for a slot of the shared host queue', async () => {
      const { sim, engine } = setup({ hostCap: 4 });
      const targets = sim.addFleet(200, 'running');
      const handle = engine.submit({ kind: 'stop', targets, options: { concurrency: 16 } });

      const sent = await cancelAfter(sim, engine, handle.id, 20);

      const now = engine.get(handle.id);
      for (const t of targets) {
        if (!sent.has(t.id)) assert.equal(itemOf(now, t.id).state, 'cancelled', t.id);
      }
      const record = await handle.done;
      assert.equal(record.status, 'cancelled');
      assert.equal(sim.arrivals('stop').length, sent.size, 'nothing was sent after cancel');
      assert.equal(countsOf(record).succeeded + countsOf(record).cancelled, 200);
    });

    it('withdraws an item that waits to retry after a server error', async () => {
      // A backoff far longer than any test, so only a withdrawal can end the wait.
      const slow = { retries: 3, baseDelayMs: 1_000_000_000, maxDelayMs: 1_000_000_000 };
      const { sim, engine } = setup({ retry: slow });
      const [busy, fine] = sim.addFleet(2, 'running');
      sim.failNext(busy!.id, new EngineError('stop: server error', 'SERVER', true, 500), 10);
      const handle = engine.submit({ kind: 'stop', targets: [busy!, fine!] });
      await until(() => engine.snapshot(handle.id)?.counts.succeeded === 1, 'the other stop');
      await until(() => sim.inFlight === 0, 'the failed stop to be answered');

      engine.cancel(handle.id);

      assert.equal(itemOf(engine.get(handle.id), busy!.id).state, 'cancelled');
      const record = await handle.done;
      assert.equal(record.status, 'cancelled');
      assert.equal(sim.callsFor(busy!.id, 'stop'), 1);
      assert.equal(sim.stateOf(busy!.id), 'running');
    });

    it('is followed by a rollback that puts every succeeded item back', async () => {
      const { sim, engine } = setup();
      const targets = sim.addFleet(300, 'running');
      const handle = engine.submit({ kind: 'stop', targets, options: { concurrency: 8 } });
      await cancelAfter(sim, engine, handle.id, 50);
      const cancelled = await handle.done;

      const record = await engine.rollback(handle.id);

      assert.equal(record.status, 'rolledBack');
      assert.equal(countsOf(record).rolledBack, countsOf(cancelled).succeeded);
      assert.equal(countsOf(record).succeeded, 0);
      for (const t of targets) assert.equal(sim.stateOf(t.id), 'running', t.id);
    });
  });

  it('refuses up front to roll back a removal', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(5, 'exited');
    const handle = engine.submit({ kind: 'remove', targets });
    await handle.done;

    assert.throws(() => engine.rollback(handle.id), OperationRefusedError);
  });

  describe('failures', () => {
    it('retries transient failures until they succeed', async () => {
      const { sim, engine } = setup();
      const [busy, unreachable, fine] = sim.addFleet(3, 'running');
      sim.failNext(busy!.id, new EngineError('stop: server error', 'SERVER', true, 500), 2);
      sim.failNext(unreachable!.id, new EngineUnreachableError('stop: connection reset'));

      const record = await engine.submit({
        kind: 'stop',
        targets: [busy!, unreachable!, fine!],
      }).done;

      assert.equal(record.status, 'completed');
      assert.equal(itemOf(record, busy!.id).attempts, 3);
      assert.equal(sim.callsFor(busy!.id, 'stop'), 3);
      assert.equal(sim.callsFor(unreachable!.id, 'stop'), 2);
      for (const t of [busy!, unreachable!, fine!]) assert.equal(sim.stateOf(t.id), 'exited');
    });

    it('fails permanent errors at once, without a retry', async () => {
      const { sim, engine } = setup();
      const [paused] = sim.addFleet(1, 'paused');
      const [missing] = ghosts(1);
      // The plan saw it running; it was paused since, so a pause answers 409.
      const target = { ...paused!, state: 'running' as const };

      const record = await engine.submit({ kind: 'pause', targets: [target, missing!] }).done;

      assert.equal(record.status, 'failed');
      assert.equal(itemOf(record, paused!.id).error?.code, 'CONFLICT');
      assert.equal(itemOf(record, missing!.id).error?.code, 'NOT_FOUND');
      for (const id of [paused!.id, missing!.id]) {
        assert.equal(itemOf(record, id).state, 'failed');
        assert.equal(itemOf(record, id).attempts, 1);
        assert.equal(sim.callsFor(id, 'pause'), 1);
      }
    });

    it('retries the failed items it is given, then the rest all at once', async () => {
      const { sim, engine } = setup();
      const targets = sim.addFleet(6, 'running');
      const [a, b, c] = targets;
      for (const t of [a!, b!, c!]) sim.failNext(t.id, new NotFoundError('stop: no such'));
      const handle = engine.submit({ kind: 'stop', targets });
      assert.equal(countsOf(await handle.done).failed, 3);

      const one = await engine.retry(handle.id, [a!.id]);

      assert.equal(itemOf(one, a!.id).state, 'succeeded');
      assert.equal(countsOf(one).failed, 2);
      assert.equal(sim.callsFor(b!.id, 'stop'), 1);

      const all = await engine.retry(handle.id);

      assert.equal(all.status, 'completed');
      assert.equal(countsOf(all).succeeded, 6);
      for (const t of targets) {
        const failedOnce = t === a || t === b || t === c;
        assert.equal(sim.callsFor(t.id, 'stop'), failedOnce ? 2 : 1, t.id);
      }
    });

    it('gives a retried item its full retry budget again', async () => {
      const { sim, engine } = setup();
      const [t] = sim.addFleet(1, 'running');
      const serverError = (): Error => new EngineError('stop: busy', 'SERVER', true, 500);
      sim.failNext(t!.id, serverError(), FAST_RETRY.retries + 1);
      const handle = engine.submit({ kind: 'stop', targets: [t!] });
      assert.equal((await handle.done).status, 'failed');

      sim.failNext(t!.id, serverError(), FAST_RETRY.retries);
      const record = await engine.retry(handle.id);

      assert.equal(record.status, 'completed');
      assert.equal(sim.stateOf(t!.id), 'exited');
    });

    it('counts an item whose answer was lost but which the engine did as succeeded', async () => {
      const { sim, engine } = setup();
      const targets = sim.addFleet(20, 'running');
      const lost = targets[0]!;
      const timeout = new EngineTimeoutError(`pause ${lost.id}: the engine did not answer in time`);
      sim.failNext(lost.id, timeout, 1, { acted: true });

      const record = await engine.submit({ kind: 'pause', targets }).done;

      assert.equal(record.status, 'completed');
      assert.equal(itemOf(record, lost.id).state, 'succeeded');
      assert.equal(sim.stateOf(lost.id), 'paused');
      assert.equal(sim.callsFor(lost.id, 'pause'), 1, 'looked before acting again');
      assert.equal(sim.callsFor(lost.id, 'inspect'), 1);
    });
  });

  describe('failure guard', () => {
    /** 20 that stop, then 6 that are gone, then 30 that stop: it trips after the 26th. */
    function guardedRun(): {
      sim: SimulatedEngine;
      engine: BulkEngine;
      id: string;
      done: Promise<OperationRecord>;
      ok: OperationTarget[];
    } {
      const { sim, engine } = setup({ guard: { minSample: 10, threshold: 0.2 } });
      const first = sim.addFleet(20, 'running', 'first');
      const last = sim.addFleet(30, 'running', 'last');
      const targets = [...first, ...ghosts(6), ...last];
      const handle = engine.submit({ kind: 'stop', targets, options: { concurrency: 1 } });
      return { sim, engine, id: handle.id, done: handle.done, ok: [...first, ...last] };
    }

    async function whenGuarded(engine: BulkEngine, id: string): Promise<ProgressSnapshot> {
      await until(() => engine.snapshot(id)?.status === 'guarded', 'the guard');
      const snapshot = engine.snapshot(id);
      assert.ok(snapshot);
      return snapshot;
    }

    it('pauses the operation at the threshold and sends nothing while it waits', async () => {
      const { sim, engine, id } = guardedRun();

      const snapshot = await whenGuarded(engine, id);
      const sent = sim.arrivals().length;
      await settleBriefly();

      assert.equal(snapshot.guardReason, '6 of 26 items failed (23.1%), above the 20% threshold');
      assert.equal(snapshot.counts.failed, 6);
      assert.equal(snapshot.counts.queued, 30);
      assert.equal(sim.arrivals().length, sent);
      assert.equal(engine.snapshot(id)?.status, 'guarded');
    });

    it('goes on with the rest when told to continue', async () => {
      const { sim, engine, id, done, ok } = guardedRun();
      await whenGuarded(engine, id);

      engine.decide(id, 'continue');
      const record = await done;

      assert.equal(record.status, 'failed');
      assert.deepEqual([countsOf(record).succeeded, countsOf(record).failed], [50, 6]);
      for (const t of ok) assert.equal(sim.stateOf(t.id), 'exited');
    });

    it('cancels the rest when told to cancel', async () => {
      const { sim, engine, id, done } = guardedRun();
      await whenGuarded(engine, id);
      const sent = sim.arrivals().length;

      engine.decide(id, 'cancel');
      const record = await done;

      assert.equal(record.status, 'cancelled');
      assert.equal(countsOf(record).cancelled, 30);
      assert.equal(sim.arrivals().length, sent);
    });

    it('puts the succeeded items back when told to roll back', async () => {
      const { sim, engine, id, done, ok } = guardedRun();
      await whenGuarded(engine, id);

      engine.decide(id, 'rollback');
      const record = await done;

      assert.equal(record.status, 'rolledBack');
      assert.deepEqual(
        [countsOf(record).rolledBack, countsOf(record).failed, countsOf(record).cancelled],
        [20, 6, 30],
      );
      for (const t of ok) assert.equal(sim.stateOf(t.id), 'running', t.id);
    });
  });

  it('waits out an engine that went away and finishes truthfully when it is back', async () => {
    const { sim, engine } = setup({ maxOutageMs: 60_000 });
    const targets = sim.addFleet(200, 'running');
    const snapshots: ProgressSnapshot[] = [];
    engine.onProgress((s) => snapshots.push(s));
    const handle = engine.submit({ kind: 'stop', targets, options: { concurrency: 8 } });
    await until(() => sim.arrivals('stop').length >= 40, '40 stops');

    sim.down();
    await until(() => snapshots.some((s) => s.engineProblem), 'the engine problem');
    const sentWhileDown = sim.arrivals('stop').length;
    await settleBriefly();

    assert.equal(sim.arrivals('stop').length, sentWhileDown, 'nothing is sent while it is down');
    assert.equal(engine.snapshot(handle.id)?.counts.failed, 0);
    assert.match(engine.snapshot(handle.id)?.engineProblem ?? '', /sim is unreachable/);

    sim.up();
    const record = await handle.done;

    assert.equal(record.status, 'completed');
    assert.equal(countsOf(record).succeeded, 200);
    assert.equal(snapshots.at(-1)?.engineProblem, undefined);
    for (const t of targets) {
      assert.equal(sim.stateOf(t.id), 'exited');
      const stops = sim.events.filter(
        (e) => e.id === t.id && e.kind === 'stop' && e.outcome === 'ok',
      );
      assert.equal(stops.length, 1, `${t.id} was stopped once by the engine`);
    }
  });

  it('fails the waiting items once the engine stays away past the outage limit', async () => {
    const { sim, engine } = setup({ maxOutageMs: 20 });
    const targets = sim.addFleet(30, 'running');
    sim.down();

    const record = await engine.submit({ kind: 'stop', targets }).done;

    assert.equal(record.status, 'failed');
    assert.equal(countsOf(record).failed, 30);
    assert.ok(record.items.every((i) => i.error?.code === 'UNREACHABLE'));
    for (const t of targets) assert.equal(sim.stateOf(t.id), 'running');
  });

  describe('progress', () => {
    it('sends far fewer snapshots than item changes', async () => {
      const { sim, engine } = setup();
      const targets = sim.addFleet(1000, 'running');
      let itemEvents = 0;
      let snapshots = 0;
      engine.onItem(() => (itemEvents += 1));
      engine.onProgress(() => (snapshots += 1));

      const record = await engine.submit({ kind: 'stop', targets, options: { concurrency: 32 } })
        .done;

      assert.equal(record.status, 'completed');
      assert.equal(itemEvents, 2000, 'running, then succeeded, for each item');
      assert.ok(snapshots >= 1, 'at least the final snapshot');
      assert.ok(snapshots * 5 < itemEvents, `${snapshots} snapshots for ${itemEvents} changes`);
    });

    it('survives listeners that throw and logs their failure', async () => {
      const errors: string[] = [];
      const log: Logger = {
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (message) => errors.push(message),
      };
      const { sim, engine } = setup({ log });
      const targets = sim.addFleet(50, 'running');
      engine.onProgress(() => {
        throw new Error('progress listener broke');
      });
      engine.onItem(() => {
        throw new Error('item listener broke');
      });

      const record = await engine.submit({ kind: 'stop', targets }).done;

      assert.equal(record.status, 'completed');
      assert.equal(countsOf(record).succeeded, 50);
      assert.ok(errors.some((m) => m.includes('progress listener broke')));
      assert.ok(errors.some((m) => m.includes('item listener broke')));
    });
  });

  describe('finished operations in memory', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'stevedore-bulk-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps at most the last few finished runs and reads the older ones from history',
      async () => {
        const history = new HistoryStore(dir);
        const { sim, engine } = setup({ history, keepFinished: 3 });
        const ids: string[] = [];
        for (let n = 0; n < 10; n += 1) {
          const targets = sim.addFleet(20, n % 2 === 0 ? 'running' : 'exited', `op${n}`);
          const kind = n % 2 === 0 ? 'stop' : 'start';
          const handle = engine.submit({ kind, targets });
          ids.push(handle.id);
          await handle.done;
        }

        const held = ids.filter((id) => engine.snapshot(id) !== undefined);
        assert.deepEqual(held, ids.slice(-3));
        for (const id of ids) {
          const record = engine.get(id);
          assert.equal(record?.status, 'completed', id);
          assert.equal(countsOf(record!).succeeded, 20);
        }
        assert.deepEqual(engine.list().map((r) => r.id).sort(), [...ids].sort());
      });

    it('retries a finished operation that was dropped from memory, from its history',
      async () => {
        const history = new HistoryStore(dir);
        const { sim, engine } = setup({ history, keepFinished: 1 });
        const targets = sim.addFleet(10, 'running');
        const broken = targets[4]!;
        sim.failNext(broken.id, new EngineError('stop: server error', 'SERVER', false, 500));
        const first = engine.submit({ kind: 'stop', targets });
        assert.equal(countsOf(await first.done).failed, 1);
        for (let n = 0; n < 3; n += 1) {
          await engine.submit({ kind: 'stop', targets: sim.addFleet(5, 'running', `x${n}`) })
            .done;
        }
        assert.equal(engine.snapshot(first.id), undefined, 'dropped from memory');

        const record = await engine.retry(first.id);

        assert.equal(record.id, first.id);
        assert.equal(record.status, 'completed');
        assert.deepEqual(countsOf(record), { ...emptyCounts(), succeeded: 10 });
        assert.equal(sim.callsFor(broken.id, 'stop'), 2);
        assert.equal(sim.stateOf(broken.id), 'exited');
        assert.equal(engine.get(first.id)?.status, 'completed');
      });

    it('rolls back a dropped operation in reverse dependency order', async () => {
      const history = new HistoryStore(dir);
      const { sim, engine } = setup({ history, keepFinished: 0 });
      const targets = sim.addFleet(12, 'exited');
      const waves = targets.map((_, i) => i % 3);
      const handle = engine.submit({ kind: 'start', targets, waves });
      await handle.done;
      assert.equal(engine.snapshot(handle.id), undefined, 'dropped from memory');
      const from = sim.events.length;

      const record = await engine.rollback(handle.id);

      assert.equal(record.status, 'rolledBack');
      for (const t of targets) assert.equal(sim.stateOf(t.id), 'exited');
      const waveOf = new Map(targets.map((t, i) => [t.id, waves[i]]));
      const stops = sim.events.slice(from).filter((e) => e.kind === 'stop');
      const arrivals = stops.filter((e) => e.at === 'arrive').map((e) => waveOf.get(e.id!)!);
      assert.equal(arrivals.length, 12);
      // The start brought dependencies up first, so undoing it stops dependents first.
      assert.deepEqual(arrivals, [...arrivals].sort((a, b) => b - a), 'last wave first');
    });
  });

  it('aborts the requests in flight when disposed', async () => {
    const { sim, engine } = setup();
    const targets = sim.addFleet(10, 'running');
    const hung = targets.slice(0, 3);
    for (const t of hung) sim.hang(t.id);
    const handle = engine.submit({ kind: 'stop', targets, options: { concurrency: 10 } });
    await until(() => sim.arrivals('stop').length === 10 && sim.inFlight === 3, 'the hung stops');

    await engine.dispose();
    const record = await handle.done;

    assert.equal(sim.inFlight, 0);
    for (const t of hung) {
      assert.equal(itemOf(record, t.id).state, 'cancelled');
      assert.ok(sim.events.some((e) => e.id === t.id && e.outcome === 'AbortError'));
      assert.equal(sim.stateOf(t.id), 'running');
    }
    assert.equal(countsOf(record).succeeded, 7);
  });
});
