import assert from 'node:assert/strict';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseHistoryLine } from '../../../src/engine/history/historyLine';
import { HISTORY_FILE, HistoryStore } from '../../../src/engine/history/historyStore';
import type {
  ItemRecord,
  OperationRecord,
  OperationStatus,
} from '../../../src/engine/model/operation';
import { BulkEngine } from '../../../src/engine/operation/bulkEngine';
import { SimulatedEngine } from '../../support/simulatedEngine';

function item(id: string, state: ItemRecord['state'] = 'queued'): ItemRecord {
  return { id, name: `name-${id}`, host: 'sim', before: 'running', state, attempts: 0 };
}

function operation(
  id: string,
  createdMs: number,
  status: OperationStatus = 'completed',
  itemCount = 2,
): OperationRecord {
  const items = Array.from({ length: itemCount }, (_, i) =>
    item(`${id}-${i}`, status === 'completed' ? 'succeeded' : 'queued'),
  );
  return { id, kind: 'stop', priority: 0, options: {}, status, createdMs, items };
}

/** What a record looks like after a trip through JSON, which drops undefined fields. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('HistoryStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-history-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fresh(maxBytes?: number): Promise<HistoryStore> {
    const store = new HistoryStore(dir, maxBytes ? { maxBytes } : {});
    await store.load();
    return store;
  }

  async function linesOnDisk(): Promise<string[]> {
    return (await readFile(join(dir, HISTORY_FILE), 'utf8')).split('\n');
  }

  it('gives back operations and item updates to a new store', async () => {
    const first = await fresh();
    first.recordOperation(operation('op1', 1, 'queued', 3));
    first.recordItem('op1', item('op1-0', 'running'));
    first.recordItem('op1', { ...item('op1-0', 'succeeded'), attempts: 1, durationMs: 12 });
    first.recordItem('op1', { ...item('op1-1', 'failed'), attempts: 1 });
    first.recordStatus('op1', 'failed', { startedMs: 2, endedMs: 9 });
    first.recordOperation(operation('op2', 5));
    await first.flush();

    const second = new HistoryStore(dir);
    const loaded = await second.load();

    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.operations, plain(first.list()));
    const op1 = second.get('op1');
    assert.equal(op1?.status, 'failed');
    assert.equal(op1?.endedMs, 9);
    assert.deepEqual(
      op1?.items.map((i) => i.state),
      ['succeeded', 'failed', 'queued'],
    );
    assert.deepEqual(loaded.operations.map((o) => o.id), ['op2', 'op1'], 'newest first');
  });

  it('skips a torn last line and repairs the file for the next append', async () => {
    const first = await fresh();
    first.recordOperation(operation('op1', 1, 'running'));
    first.recordOperation(operation('op2', 2, 'running'));
    await first.flush();
    await appendFile(join(dir, HISTORY_FILE), '{"v":1,"t":"status","id":"op1","sta');

    const second = new HistoryStore(dir);
    const loaded = await second.load();
    second.recordStatus('op2', 'cancelled');
    await second.flush();

    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.operations.map((o) => o.id), ['op2', 'op1']);
    const lines = await linesOnDisk();
    assert.equal(lines.pop(), '', 'the file ends with a whole line');
    for (const line of lines) assert.ok(parseHistoryLine(line), line);
    const third = new HistoryStore(dir);
    assert.deepEqual((await third.load()).warnings, []);
    assert.equal(third.get('op2')?.status, 'cancelled');
  });

  it('moves a garbled middle line aside with one warning and loads the rest', async () => {
    const first = await fresh();
    first.recordOperation(operation('op1', 1));
    first.recordOperation(operation('op2', 2));
    await first.flush();
    const [op1, op2, end] = await linesOnDisk();
    await writeFile(join(dir, HISTORY_FILE), [op1, 'garbage {{{', op2, end].join('\n'));

    const loaded = await new HistoryStore(dir).load();

    assert.equal(loaded.warnings.length, 1);
    assert.deepEqual(loaded.operations.map((o) => o.id), ['op2', 'op1']);
    const aside = (await readdir(dir)).filter((f) => /^history\.corrupt-\d+\.jsonl$/.test(f));
    assert.equal(aside.length, 1);
    assert.match(loaded.warnings[0] ?? '', new RegExp(aside[0]!.replace(/\./g, '\\.')));
    assert.equal(await readFile(join(dir, aside[0]!), 'utf8'), 'garbage {{{\n');
    assert.deepEqual((await new HistoryStore(dir).load()).warnings, [], 'the file was repaired');
  });

  it('brings back unfinished operations, which markInterrupted marks', async () => {
    const first = await fresh();
    first.recordOperation(operation('running', 1, 'running'));
    first.recordOperation(operation('done', 2));
    await first.flush();

    const second = new HistoryStore(dir);
    await second.load();
    const interrupted = second.markInterrupted();
    await second.flush();

    assert.deepEqual(interrupted.map((o) => o.id), ['running']);
    assert.equal(second.get('running')?.status, 'interrupted');
    assert.equal(second.get('done')?.status, 'completed');
    const third = new HistoryStore(dir);
    await third.load();
    assert.equal(third.get('running')?.status, 'interrupted');
    assert.deepEqual(third.markInterrupted(), [], 'interrupted is final');
  });

  it('compacts to stay under its size limit, keeping the newest operations', async () => {
    const maxBytes = 8 * 1024;
    const store = await fresh(maxBytes);
    const recorded: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      // Sizes alternate, so a compaction that fills gaps with older small ones shows.
      store.recordOperation(operation(`op${i}`, i, 'completed', i % 2 === 0 ? 12 : 1));
      recorded.unshift(`op${i}`);
      await store.flush();
    }

    const kept = store.list().map((o) => o.id);

    assert.ok((await stat(join(dir, HISTORY_FILE))).size <= maxBytes);
    assert.ok(kept.length > 1 && kept.length < 60, `kept ${kept.length}`);
    assert.deepEqual(kept, recorded.slice(0, kept.length), 'the newest, without holes');
    const reloaded = new HistoryStore(dir, { maxBytes });
    assert.deepEqual((await reloaded.load()).operations.map((o) => o.id), kept);
  });

  it('keeps unfinished operations when cleared', async () => {
    const store = await fresh();
    store.recordOperation(operation('done', 1));
    store.recordOperation(operation('running', 2, 'running'));
    store.recordOperation(operation('interrupted', 3, 'interrupted'));
    store.recordOperation(operation('failed', 4, 'failed'));

    await store.clear();

    assert.deepEqual(store.list().map((o) => o.id), ['interrupted', 'running']);
    const reloaded = new HistoryStore(dir);
    assert.deepEqual((await reloaded.load()).operations.map((o) => o.id), [
      'interrupted',
      'running',
    ]);
  });

  it('warns once when it cannot write, keeps recording in memory, and catches up', async () => {
    const store = await fresh();
    const warnings: string[] = [];
    store.onWarning((w) => warnings.push(w));
    store.recordOperation(operation('before', 1));
    await store.flush();
    // A directory where the file should be: appends fail even for root.
    const file = join(dir, HISTORY_FILE);
    await rm(file);
    await mkdir(file);

    store.recordOperation(operation('during1', 2, 'running'));
    await store.flush();
    store.recordStatus('during1', 'completed');
    store.recordOperation(operation('during2', 3));
    await store.flush();

    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /cannot write its history/);
    assert.equal(store.get('during1')?.status, 'completed');
    assert.deepEqual(store.list().map((o) => o.id), ['during2', 'during1', 'before']);

    await rm(file, { recursive: true });
    store.recordOperation(operation('after', 4));
    await store.flush();
    const reloaded = new HistoryStore(dir);
    assert.deepEqual((await reloaded.load()).operations.map((o) => o.id), [
      'after',
      'during2',
      'during1',
      'before',
    ]);
    assert.equal(warnings.length, 1);
  });

  it('lets a new BulkEngine resume only the unfinished items of an interrupted run', async () => {
    const sim = new SimulatedEngine();
    const targets = sim.addFleet(6, 'running');
    const [doneA, doneB, inFlight, ...queued] = targets;
    // The process died after two stops were answered and while a third was in flight,
    // which the engine carried out.
    for (const t of [doneA!, doneB!, inFlight!]) sim.setState(t.id, 'exited');
    const dead = await fresh();
    dead.recordOperation({
      ...operation('crashed', 1, 'running', 0),
      items: targets.map((t) => ({
        id: t.id,
        name: t.name,
        host: t.host,
        before: 'running',
        attempts: t === inFlight || t === doneA || t === doneB ? 1 : 0,
        state: t === inFlight ? 'running' : t === doneA || t === doneB ? 'succeeded' : 'queued',
      })),
    });
    await dead.flush();

    const engine = new BulkEngine({ adapters: [sim], history: new HistoryStore(dir) });
    try {
      assert.deepEqual(await engine.loadHistory(), []);
      assert.equal(engine.get('crashed')?.status, 'interrupted');

      const record = await engine.resume('crashed');

      assert.equal(record.status, 'completed');
      assert.ok(record.items.every((i) => i.state === 'succeeded'));
      for (const t of [doneA!, doneB!, inFlight!]) assert.equal(sim.callsFor(t.id, 'stop'), 0);
      assert.equal(sim.callsFor(inFlight!.id, 'inspect'), 1, 'checked, not stopped again');
      for (const t of queued) assert.equal(sim.callsFor(t.id, 'stop'), 1);
      for (const t of targets) assert.equal(sim.stateOf(t.id), 'exited');
    } finally {
      await engine.dispose();
    }
  });

  it('starts empty when there is no file yet', async () => {
    const store = new HistoryStore(join(dir, 'not', 'yet'));

    assert.deepEqual(await store.load(), { operations: [], warnings: [] });
  });
});
