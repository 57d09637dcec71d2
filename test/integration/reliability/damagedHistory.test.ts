import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

import { createFleet, startContainers } from '../../../scripts/sandbox/fleet';
import type { CliResult } from '../../../src/cli/cliResult';
import { HISTORY_FILE, HistoryStore } from '../../../src/engine/history/historyStore';
import type { OperationKind, OperationRecord } from '../../../src/engine/model/operation';
import { withSandbox } from '../../support/engineSandbox';
import {
  outcomes,
  plain,
  realStates,
  recordedEngine,
  type RecordedEngine,
  report,
  runCli,
  sandboxAdapter,
  targetsOf,
} from './reliabilityKit';

describe('When the history file is damaged or its disk is full', function () {
  this.timeout(180_000);
  const ctx = withSandbox({ name: 'history' });
  let ids: string[];
  const dirs: string[] = [];
  const mounts: string[] = [];

  before(async function () {
    this.timeout(120_000);
    ids = (await createFleet(ctx.docker, { count: 6, image: ctx.imageRef, prefix: 'hist' }))
      .map((c) => c.id);
    await startContainers(ctx.docker, ids);
  });

  after(() => {
    for (const dir of mounts) spawnSync('umount', ['-l', dir]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(): string {
    const dir = mkdtempSync('/tmp/stevedore-history-');
    dirs.push(dir);
    return dir;
  }

  /** A folder on its own 64 KiB tmpfs, so that filling it is a real "no space left". */
  function tinyDisk(): string {
    const dir = tempDir();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    assert.equal(mounted.status, 0, `mount a tmpfs: ${mounted.stderr?.toString()}`);
    mounts.push(dir);
    return dir;
  }

  /** Fills the disk holding `dir` to the last byte; returns the filler to delete later. */
  function fill(dir: string): string {
    const filler = join(dir, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(1024, 120);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    try {
      for (;;) writeSync(fd, chunk, 0, 1);
    } catch {
      // Not one more byte fits.
    }
    closeSync(fd);
    return filler;
  }

  function engineOn(dir: string): { r: RecordedEngine; history: HistoryStore; warned: string[] } {
    const history = new HistoryStore(dir, { flushDelayMs: 20 });
    const warned: string[] = [];
    history.onWarning((w) => warned.push(w));
    return { r: recordedEngine(ctx.sandbox, { history }), history, warned };
  }

  async function run(r: RecordedEngine, kind: OperationKind): Promise<OperationRecord> {
    return r.engine.submit({ kind, targets: await targetsOf(r.adapter, ids),
      options: { concurrency: 4 } }).done;
  }

  /** Two operations written by one engine, which is then disposed. */
  async function seed(dir: string): Promise<OperationRecord[]> {
    const { r } = engineOn(dir);
    await r.engine.loadHistory();
    const records = [await run(r, 'pause'), await run(r, 'unpause')];
    await r.engine.dispose();
    return records;
  }

  function historyLines(dir: string): string[] {
    return readFileSync(join(dir, HISTORY_FILE), 'utf8').split('\n').filter(Boolean);
  }

  it('a history torn at its last line loads every whole line, and the operation whose ' +
    'last write was torn comes back interrupted with its items as they were', async () => {
    const dir = tempDir();
    const [paused, unpaused] = await seed(dir);
    const text = readFileSync(join(dir, HISTORY_FILE), 'utf8');
    const lastLine = historyLines(dir).at(-1)!;
    const torn = text.slice(0, text.length - 1 - Math.floor(lastLine.length / 2));
    writeFileSync(join(dir, HISTORY_FILE), torn);

    const { r } = engineOn(dir);
    const warnings = await r.engine.loadHistory();

    assert.deepEqual(warnings, [], 'a crash mid-write is expected: no warning');
    const first = r.engine.get(paused!.id)!;
    const second = r.engine.get(unpaused!.id)!;
    assert.equal(first.status, 'completed');
    assert.deepEqual(first.items, plain(paused!.items));
    assert.equal(second.status, 'interrupted', 'its final status line was the torn one');
    assert.deepEqual(second.items.map((i) => i.state), unpaused!.items.map((i) => i.state));
    const resumed = await r.engine.resume(second.id);
    assert.equal(resumed.status, 'completed');
    const next = await run(r, 'pause');
    assert.equal(next.status, 'completed');
    await run(r, 'unpause');
    await r.engine.dispose();
    const reloaded = await new HistoryStore(dir).load();
    assert.deepEqual(reloaded.warnings, []);
    assert.equal(reloaded.operations.length, 4);
    report('history torn at its last line', { tornBytes: text.length - torn.length,
      operationsLoaded: 2, warnings: warnings.length, afterRepair: reloaded.operations.length });
  });

  it('a history garbled in the middle keeps the garbled lines aside with one warning, ' +
    'loads the rest, and operations still run', async () => {
    const dir = tempDir();
    const records = await seed(dir);
    const lines = historyLines(dir);
    const garbage = ['{"v":1,"t":"items","id":', '\u0000\u0000\u0000', 'not json at all'];
    const garbled = [...lines.slice(0, 2), ...garbage, ...lines.slice(2)];
    writeFileSync(join(dir, HISTORY_FILE), garbled.join('\n') + '\n');

    const { r } = engineOn(dir);
    const warnings = await r.engine.loadHistory();

    assert.equal(warnings.length, 1);
    const aside = readdirSync(dir).filter((f) => /^history\.corrupt-\d+\.jsonl$/.test(f));
    assert.equal(aside.length, 1);
    assert.ok(warnings[0]!.includes(join(dir, aside[0]!)), warnings[0]);
    assert.deepEqual(readFileSync(join(dir, aside[0]!), 'utf8'), garbage.join('\n') + '\n');
    for (const record of records) {
      assert.deepEqual(r.engine.get(record.id)?.items, plain(record.items));
      assert.equal(r.engine.get(record.id)?.status, 'completed');
    }
    assert.equal((await run(r, 'pause')).status, 'completed');
    await run(r, 'unpause');
    await r.engine.dispose();
    assert.deepEqual((await new HistoryStore(dir).load()).warnings, [], 'the file was repaired');

    const cli = await runCli(['history', '--json', '--history', dir]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout).map((o: CliResult) => o.kind),
      ['unpause', 'pause', 'unpause', 'pause']);
    report('history garbled in the middle', { garbledLines: garbage.length,
      operationsLoaded: records.length, warnings: warnings.length, warning: warnings[0] });
  });

  it('a history on a full disk warns once, operations still run, and once space returns ' +
    'every operation is written', async () => {
    const dir = tinyDisk();
    await seed(dir);
    const filler = fill(dir);
    const { r, warned } = engineOn(dir);
    await r.engine.loadHistory();

    const whileFull: OperationRecord[] = [];
    for (const kind of ['pause', 'unpause', 'pause', 'unpause'] as const) {
      whileFull.push(await run(r, kind));
    }

    assert.ok(whileFull.every((o) => o.status === 'completed'));
    assert.deepEqual([...new Set((await realStates(r.adapter, ids)).values())], ['running']);
    assert.equal(warned.length, 1, warned.join('\n'));
    assert.match(warned[0]!, /cannot write its history .*ENOSPC/);
    rmSync(filler);
    const afterSpace = await run(r, 'pause');
    await run(r, 'unpause');
    await r.engine.dispose();
    const reloaded = await new HistoryStore(dir).load();
    assert.deepEqual(reloaded.warnings, []);
    for (const record of [...whileFull, afterSpace]) {
      const stored = reloaded.operations.find((o) => o.id === record.id);
      assert.equal(stored?.status, 'completed', `${record.kind} ${record.id} was written`);
      assert.deepEqual(stored?.items, plain(record.items));
    }
    report('history on a full disk', { operationsWhileFull: whileFull.length,
      outcomes: whileFull.map(outcomes), warnings: warned.length, warning: warned[0],
      storedOnceSpaceReturned: reloaded.operations.length });
  });

  it('a damaged history on a full disk still loads with its warnings, and operations still ' +
    'run', async () => {
    const dir = tinyDisk();
    await seed(dir);
    const lines = historyLines(dir);
    writeFileSync(join(dir, HISTORY_FILE), [lines[0], 'garbled', ...lines.slice(1)].join('\n') +
      '\n{"v":1,"t":"sta');
    const filler = fill(dir);
    const { r, warned } = engineOn(dir);

    const warnings = await r.engine.loadHistory();

    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /damaged and could not be repaired .*ENOSPC/);
    assert.equal(r.engine.list().length, 2, 'both operations loaded');
    assert.equal((await run(r, 'pause')).status, 'completed');
    assert.equal((await run(r, 'unpause')).status, 'completed');
    assert.deepEqual(warned, [], 'no second warning for the same full disk');

    rmSync(filler);
    await run(r, 'pause');
    await run(r, 'unpause');
    await r.engine.dispose();
    const aside = readdirSync(dir).filter((f) => /^history\.corrupt-\d+\.jsonl$/.test(f));
    assert.equal(aside.length, 1, 'the garbled line was kept aside once the disk allowed');
    assert.equal(readFileSync(join(dir, aside[0]!), 'utf8'), 'garbled\n');
    const reloaded = await new HistoryStore(dir).load();
    assert.deepEqual(reloaded.warnings, []);
    assert.equal(reloaded.operations.length, 6);
    report('damaged history on a full disk', { warnings,
      storedOnceSpaceReturned: reloaded.operations.length });
  });

  it('the CLI on a full disk runs the operation, prints one history warning and its JSON',
    async () => {
      const dir = tinyDisk();
      mkdirSync(join(dir, 'state'));
      fill(dir);

      const cli = await runCli(['pause', ...ids, '--json', '--history', dir],
        { env: { DOCKER_HOST: ctx.sandbox.dockerHost, XDG_STATE_HOME: join(dir, 'state') } });

      assert.equal(cli.code, 0, cli.stderr);
      const result = JSON.parse(cli.stdout) as CliResult;
      assert.equal(result.succeeded, ids.length);
      assert.deepEqual([...new Set((await realStates(sandboxAdapter(ctx.sandbox), ids))
        .values())], ['paused']);
      const historyWarnings = cli.stderr.split('\n').filter((l) => /history/.test(l));
      assert.equal(historyWarnings.length, 1, cli.stderr);
      const unpaused = await runCli(['unpause', ...ids, '--json', '--history', tempDir()],
        { env: { DOCKER_HOST: ctx.sandbox.dockerHost } });
      assert.equal(unpaused.code, 0, unpaused.stderr);
      report('CLI on a full disk', { exitCode: cli.code, stderr: cli.stderr.trim() });
    });
});
