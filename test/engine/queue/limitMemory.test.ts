import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { OperationRecord, OperationStatus } from '../../../src/engine/model/operation';
import { BulkEngine } from '../../../src/engine/operation/bulkEngine';
import { AdaptiveLimiter } from '../../../src/engine/queue/adaptiveLimiter';
import { DEFAULT_CONCURRENCY } from '../../../src/engine/queue/concurrencyDefaults';
import { LIMITS_FILE, LimitMemory } from '../../../src/engine/queue/limitMemory';
import type { Logger } from '../../../src/engine/util/logger';
import {
  FAST_LATENCY,
  type LatencyModel,
  SimulatedEngine,
} from '../../support/simulatedEngine';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => undefined;
  const warn = (m: string): void => {
    warnings.push(m);
  };
  return { trace: none, debug: none, info: none, warn, error: none, warnings };
}

function record(id: string, status: OperationStatus): OperationRecord {
  return { id, kind: 'start', priority: 0, options: {}, status, createdMs: 0, items: [] };
}

/** Feeds a limiter a steady engine: 20 in flight, 100 ms each, enough for a few windows. */
function exercise(limiter: AdaptiveLimiter, clock: { now: number }, samples: number): void {
  for (let i = 0; i < samples; i += 1) {
    clock.now += 5;
    limiter.record({ latencyMs: 100, ok: true, overloaded: false, inFlight: limiter.limit - 1 });
  }
}

describe('LimitMemory', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stevedore-limits-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what it saved, limits and rates per host and kind', async () => {
    const first = new LimitMemory(dir, { now: () => 1000 });
    first.remember('unix:///var/run/docker.sock', 'start', 18, 6.25);
    first.remember('unix:///var/run/docker.sock', 'stop', 150, 19);
    first.remember('tcp://b:2375', 'remove', 30);
    await first.save();

    const second = new LimitMemory(dir);
    const warnings = await second.load();

    assert.deepEqual(warnings, []);
    assert.deepEqual(second.get('unix:///var/run/docker.sock', 'start'), {
      limit: 18,
      ratePerSecond: 6.25,
      updatedMs: 1000,
    });
    assert.deepEqual(second.observedRates(), {
      'unix:///var/run/docker.sock': { start: 6.25, stop: 19 },
    });
    assert.equal(second.get('tcp://b:2375', 'remove')?.limit, 30);
  });

  it('starts new adaptive limiters from the remembered limit', () => {
    const memory = new LimitMemory(dir);
    memory.remember('local', 'restart', 9);

    const limiter = memory.limiterFactory()('local', 'restart', {});

    assert.equal(limiter.mode, 'adaptive');
    assert.equal(limiter.limit, 9);
  });

  it('learns the final limit, never below the kind default, and the rate when it ends',
    async () => {
      const clock = { now: 0 };
      const memory = new LimitMemory(dir, { now: () => clock.now });
      const limiter = memory.limiterFactory('op-1')('local', 'start', {}) as AdaptiveLimiter;
      exercise(limiter, clock, 200);

      await memory.operationEnded(record('op-1', 'completed'));

      const learned = memory.get('local', 'start');
      // From nothing remembered, a first run moves at most a quarter from the default.
      const def = DEFAULT_CONCURRENCY.start;
      const expected = Math.min(Math.max(limiter.summary().limit, def), Math.round(def * 1.25));
      assert.equal(learned?.limit, expected);
      assert.ok(learned?.ratePerSecond !== undefined && learned.ratePerSecond > 0);
      const onDisk = JSON.parse(readFileSync(join(dir, LIMITS_FILE), 'utf8'));
      assert.equal(onDisk.hosts.local.start.limit, learned?.limit);
    });

  it('moves a remembered limit at most a quarter per run, up or down', () => {
    const memory = new LimitMemory(dir);
    const remembered: number[] = [];

    memory.remember('local', 'pause', 8);
    for (const ended of [39, 39, 39, 2, 2]) {
      memory.learn('local', 'pause', ended);
      remembered.push(memory.get('local', 'pause')!.limit);
    }

    assert.deepEqual(remembered, [10, 13, 16, 12, 9]);
  });

  it('never remembers less than the default, nor more than one step over it from nothing',
    () => {
      const memory = new LimitMemory(dir);

      memory.learn('a', 'start', 1);
      memory.learn('b', 'start', 60);

      assert.equal(memory.get('a', 'start')?.limit, DEFAULT_CONCURRENCY.start);
      assert.equal(memory.get('b', 'start')?.limit, Math.round(DEFAULT_CONCURRENCY.start * 1.25));
    });

  it('learns nothing from a rolled-back operation, whose limiters measured the reverse',
    async () => {
      const clock = { now: 0 };
      const memory = new LimitMemory(dir, { now: () => clock.now });
      exercise(memory.limiterFactory('op-2')('local', 'start', {}) as AdaptiveLimiter, clock, 200);

      await memory.operationEnded(record('op-2', 'rolledBack'));

      assert.equal(memory.get('local', 'start'), undefined);
    });

  it('starts fresh with one warning from a garbled file, and replaces it at the next save',
    async () => {
      writeFileSync(join(dir, LIMITS_FILE), '{"v":1,"hosts":{"local":{"start":{"lim');
      const log = recordingLogger();
      const memory = new LimitMemory(dir, { log });

      const warnings = await memory.load();

      assert.equal(warnings.length, 1);
      assert.equal(log.warnings.length, 1);
      assert.deepEqual(memory.observedRates(), {});
      memory.remember('local', 'start', 12);
      await memory.save();
      assert.equal(JSON.parse(readFileSync(join(dir, LIMITS_FILE), 'utf8')).v, 1);
    });

  it('drops entries out of bounds and keeps the sound ones', async () => {
    const hosts = { local: { start: { limit: 0 }, stop: { limit: 100, ratePerSecond: 'fast' } } };
    writeFileSync(join(dir, LIMITS_FILE), JSON.stringify({ v: 1, hosts }));
    const memory = new LimitMemory(dir);

    await memory.load();

    assert.equal(memory.get('local', 'start'), undefined);
    assert.deepEqual(memory.get('local', 'stop'), { limit: 100, updatedMs: 0 });
  });

  it('keeps the previous file readable when a write was cut short before its rename', async () => {
    const memory = new LimitMemory(dir);
    memory.remember('local', 'start', 14);
    await memory.save();
    // What a crash mid-write leaves: a half-written temporary file beside the real one.
    writeFileSync(join(dir, `${LIMITS_FILE}.999.deadbeef.tmp`), '{"v":1,"hosts":{"loc');

    const reloaded = new LimitMemory(dir);
    await reloaded.load();

    assert.equal(reloaded.get('local', 'start')?.limit, 14);
  });

  it('leaves one whole file and no temporary ones after many saves at once', async () => {
    const memory = new LimitMemory(dir);

    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        memory.remember('local', 'kill', i + 1);
        return memory.save();
      }),
    );

    assert.deepEqual(readdirSync(dir), [LIMITS_FILE]);
    const onDisk = JSON.parse(readFileSync(join(dir, LIMITS_FILE), 'utf8'));
    assert.equal(onDisk.hosts.local.kill.limit, 20);
  });

  it('keeps what another process saved meanwhile when it saves', async () => {
    const window = new LimitMemory(dir, { now: () => 2000 });
    const cli = new LimitMemory(dir, { now: () => 1000 });
    await window.load();
    await cli.load();

    cli.remember('local', 'stop', 140, 20);
    await cli.save();
    window.remember('local', 'start', 16, 5);
    await window.save();

    const reloaded = new LimitMemory(dir);
    await reloaded.load();
    assert.deepEqual(reloaded.observedRates(), { local: { start: 5, stop: 20 } });
  });

  it('warns instead of throwing when it cannot write, and cleans up its temporary file',
    async () => {
      // A directory where the file should be makes the final rename fail.
      mkdirSync(join(dir, LIMITS_FILE, 'in-the-way'), { recursive: true });
      const log = recordingLogger();
      const memory = new LimitMemory(dir, { log });
      memory.remember('local', 'pause', 32);

      await memory.save();

      assert.equal(log.warnings.length, 1);
      assert.deepEqual(readdirSync(dir), [LIMITS_FILE]);
    });

  describe('with BulkEngine', () => {
    it('supplies adaptive limiters and learns from each run when it ends', async () => {
      const sim = new SimulatedEngine();
      const targets = sim.addFleet(300, 'exited');
      const memory = new LimitMemory(dir);
      const engine = new BulkEngine({ adapters: [sim], limitMemory: memory });

      const record = await engine.submit({ kind: 'start', targets }).done;
      await engine.dispose();

      assert.equal(record.status, 'completed');
      const learned = memory.get('sim', 'start');
      assert.ok(learned !== undefined && learned.limit >= 1 && learned.limit <= 256);
      assert.ok(readdirSync(dir).includes(LIMITS_FILE));
    });

    it('leaves a pinned number alone and learns nothing from it', async () => {
      const sim = new SimulatedEngine();
      const targets = sim.addFleet(300, 'exited');
      const memory = new LimitMemory(dir);
      const engine = new BulkEngine({ adapters: [sim], limitMemory: memory });

      const handle = engine.submit({ kind: 'start', targets, options: { concurrency: 5 } });
      await handle.done;
      await engine.dispose();

      assert.ok(sim.maxInFlight <= 5);
      assert.equal(memory.get('sim', 'start'), undefined);
    });

    /** A CPU-bound daemon: 20 ms a call, 400 calls a second, so gains stop at 8 in flight. */
    const KNEE_OF_8: LatencyModel = { ...FAST_LATENCY, baseMs: allBase(20), perSecond: 400 };

    it('starts the fifth of five runs no lower than the first, nor far higher', async () => {
      const sim = new SimulatedEngine({ latency: KNEE_OF_8 });
      const memory = new LimitMemory(dir);
      const engine = new BulkEngine({ adapters: [sim], limitMemory: memory });
      const startedAt: number[] = [];
      const endedAt: number[] = [];
      try {
        for (let run = 0; run < 5; run += 1) {
          const targets = sim.addFleet(240, 'running', `run${run}`);
          startedAt.push(memory.get('sim', 'pause')?.limit ?? DEFAULT_CONCURRENCY.pause);
          const record = await engine.submit({ kind: 'pause', targets }).done;
          assert.equal(record.status, 'completed');
          endedAt.push(memory.get('sim', 'pause')?.limit ?? 0);
        }
      } finally {
        await engine.dispose();
      }

      const [first, , , , fifth] = startedAt as [number, number, number, number, number];
      assert.ok(fifth >= first * 0.75, `started at ${startedAt.join(', ')}`);
      assert.ok(endedAt.every((l) => l >= DEFAULT_CONCURRENCY.pause), `${endedAt.join(', ')}`);
      // Past the knee more in flight only waits inside the daemon: the start may drift up
      // with noisy probes, but no further than a quarter a run.
      assert.ok(Math.max(...startedAt) <= 16, `started at ${startedAt.join(', ')}`);
    });

    it('lowers the limit within the same run when the engine suddenly slows down', async () => {
      // 1600 calls a second at 20 ms: 32 in flight pay off, until the host gets busy and the
      // daemon manages 200 a second, where anything past 4 in flight only waits.
      const fast: LatencyModel = { ...KNEE_OF_8, perSecond: 1600 };
      const slow: LatencyModel = { ...KNEE_OF_8, perSecond: 200 };
      const sim = new SimulatedEngine({ latency: fast });
      const targets = sim.addFleet(900, 'exited');
      const memory = new LimitMemory(dir);
      memory.remember('sim', 'start', 32);
      const engine = new BulkEngine({ adapters: [sim], limitMemory: memory });
      let answered = 0;
      let atSlowdown = 0;
      const limitsAfter: number[] = [];
      engine.onItem(({ item }) => {
        if (item.state === 'succeeded') answered += 1;
      });
      // The slowdown comes with the first snapshot after 150 answers, so the limit it cuts is
      // the one that snapshot shows, however the snapshots' ticks fall on a busy machine.
      engine.onProgress((s) => {
        if (atSlowdown > 0) {
          limitsAfter.push(s.concurrency);
        } else if (answered >= 150 && s.concurrency > 0) {
          atSlowdown = s.concurrency;
          sim.setLatency(slow);
        }
      });

      const record = await engine.submit({ kind: 'start', targets }).done;
      await engine.dispose();

      assert.equal(record.status, 'completed');
      const seen = `${atSlowdown} at the slowdown, then ${limitsAfter.join(', ')}`;
      assert.ok(atSlowdown >= 24, seen);
      assert.ok(Math.min(...limitsAfter) <= atSlowdown * 0.6, seen);
    });
  });
});

function allBase(ms: number): LatencyModel['baseMs'] {
  return { ...FAST_LATENCY.baseMs, start: ms, stop: ms, restart: ms, pause: ms, unpause: ms };
}
