/**
 * The soak run (not in CI): on a throwaway engine, five whole-fleet operations in a row, then
 * three operations queued at once with different priorities, checking that no item is lost
 * or counted twice, that each outcome matches the engine, that the priorities show in when
 * items finish, and that heap and handle counts stay flat. Prints one JSON object.
 *
 *   node --expose-gc --import tsx scripts/soak.ts [--containers N]
 *
 * Default 1000 containers; 300 keeps it to a few minutes on a busy two-core machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { DockerAdapter } from '../src/engine/docker/dockerAdapter';
import { parseEndpoint } from '../src/engine/docker/resolveEndpoint';
import { HistoryStore } from '../src/engine/history/historyStore';
import type { ContainerState } from '../src/engine/model/container';
import type {
  ItemState,
  OperationKind,
  OperationOptions,
  OperationRecord,
  OperationTarget,
} from '../src/engine/model/operation';
import { BulkEngine } from '../src/engine/operation/bulkEngine';
import { showsDone } from '../src/engine/operation/itemActions';
import { startSandbox } from './sandbox/dockerSandbox';
import { createFleet } from './sandbox/fleet';

const HOST = 'soak';
/** Requests in flight to the engine over all operations: low enough that priorities matter. */
const HOST_CAP = 24;
/** Heap growth over the run that still counts as flat, after a forced collection. */
const FLAT_HEAP_MB = 16;
/** Active handles and requests that may differ from the first sample and still count as flat. */
const FLAT_HANDLES = 2;

interface Sample {
  readonly after: string;
  readonly heapUsedMB: number;
  /** Handles and requests keeping the process alive once the operation ended. */
  readonly activeResources: number;
  readonly resources: Record<string, number>;
  /** The most seen while it ran, sampled every 200 ms: what `activeResources` fell back from. */
  readonly peakWhileRunning?: number;
}

interface OperationFigures {
  readonly phase: 'sequence' | 'priorities' | 'cleanup';
  readonly kind: OperationKind;
  readonly priority: number;
  readonly items: number;
  readonly outcomes: Partial<Record<ItemState, number>>;
  readonly durationMs: number;
  readonly itemsPerSecond: number;
  /** Items missing from the record, or there more than once, or not in a final state. */
  readonly lostOrDuplicated: number;
  /** Succeeded items the engine does not show in the state the kind leads to. */
  readonly notMatchingEngine: number;
}

function readCount(argv: readonly string[]): number {
  const i = argv.indexOf('--containers');
  const n = i >= 0 ? Number(argv[i + 1]) : 1000;
  if (!Number.isInteger(n) || n < 3 || n > 5000) {
    throw new Error(`Expected --containers to be a whole number 3-5000, got "${argv[i + 1]}"`);
  }
  return n;
}

function progress(message: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function sample(after: string, peakWhileRunning?: number): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const names = process.getActiveResourcesInfo();
  const resources: Record<string, number> = {};
  for (const name of names) resources[name] = (resources[name] ?? 0) + 1;
  const heapUsedMB = Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
  return { after, heapUsedMB, activeResources: names.length, resources, peakWhileRunning };
}

/** Watches the active resource count until `stop` is called, which returns the peak. */
function watchPeak(): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.getActiveResourcesInfo().length);
  }, 200);
  timer.unref();
  return { stop: () => (clearInterval(timer), peak) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const count = readCount(process.argv.slice(2));
  const historyDir = mkdtempSync(join(tmpdir(), 'stevedore-soak-'));
  progress(`starting a throwaway engine and ${count} containers`);
  const sandbox = await startSandbox({ name: 'soak' });
  const adapter = new DockerAdapter({
    endpoint: parseEndpoint(sandbox.dockerHost),
    hostName: HOST,
  });
  const engine = new BulkEngine({
    adapters: [adapter],
    history: new HistoryStore(historyDir),
    hostCap: HOST_CAP,
  });
  // When each item reached a final state, by operation, for the priority figures.
  const finishedAt = new Map<string, number[]>();
  engine.onItem(({ operationId, item }) => {
    if (item.state === 'queued' || item.state === 'running') return;
    const list = finishedAt.get(operationId) ?? [];
    list.push(Date.now());
    finishedAt.set(operationId, list);
  });

  try {
    await engine.loadHistory();
    const fleet = await createFleet(sandbox.docker, { count, image: sandbox.imageRef,
      prefix: 'soak', concurrency: 32 });
    const ids = fleet.map((c) => c.id);
    const samples: Sample[] = [sample('fleet created')];
    const operations: OperationFigures[] = [];

    const targetsOf = async (of: readonly string[]): Promise<OperationTarget[]> => {
      const listed = new Map((await adapter.list(AbortSignal.timeout(60_000)))
        .map((c) => [c.id, c]));
      return of.map((id) => ({ id, name: listed.get(id)?.name ?? id,
        state: listed.get(id)?.state ?? 'created', host: HOST }));
    };
    const check = async (
      phase: OperationFigures['phase'],
      record: OperationRecord,
      targetIds: readonly string[],
    ): Promise<OperationFigures> => {
      const listed = new Map<string, ContainerState>((await adapter.list(
        AbortSignal.timeout(60_000))).map((c) => [c.id, c.state]));
      const seen = new Map<string, number>();
      for (const item of record.items) seen.set(item.id, (seen.get(item.id) ?? 0) + 1);
      const lost = targetIds.filter((id) => seen.get(id) !== 1).length +
        record.items.filter((i) => i.state === 'queued' || i.state === 'running').length +
        Math.max(0, record.items.length - targetIds.length);
      const notMatching = record.items.filter((i) =>
        i.state === 'succeeded' && !showsDone(record.kind, listed.get(i.id))).length;
      const outcomes: Partial<Record<ItemState, number>> = {};
      for (const item of record.items) outcomes[item.state] = (outcomes[item.state] ?? 0) + 1;
      const durationMs = (record.endedMs ?? 0) - (record.startedMs ?? record.createdMs);
      return {
        phase,
        kind: record.kind,
        priority: record.priority,
        items: record.items.length,
        outcomes,
        durationMs,
        itemsPerSecond: Math.round((record.items.length / (durationMs / 1000)) * 10) / 10,
        lostOrDuplicated: lost,
        notMatchingEngine: notMatching,
      };
    };
    const runAll = async (
      phase: OperationFigures['phase'],
      kind: OperationKind,
      options: OperationOptions = {},
    ): Promise<void> => {
      progress(`${kind} ${ids.length}`);
      const peak = watchPeak();
      const record = await engine.submit({ kind, targets: await targetsOf(ids), options }).done;
      const peakWhileRunning = peak.stop();
      operations.push(await check(phase, record, ids));
      samples.push(sample(`${kind} ${ids.length}`, peakWhileRunning));
    };

    // Five whole-fleet operations in a row; stops wait at most a second per container.
    await runAll('sequence', 'start');
    await runAll('sequence', 'pause');
    await runAll('sequence', 'unpause');
    await runAll('sequence', 'stop', { graceSeconds: 1 });
    await runAll('sequence', 'start');

    // Three pauses queued at once on thirds of the fleet. Each may fill the host's cap on its
    // own, so the shared queue decides who goes first, by priority.
    const third = Math.floor(ids.length / 3);
    const parts = [ids.slice(0, third), ids.slice(third, 2 * third), ids.slice(2 * third)];
    const priorities = [0, 5, 10];
    progress(`pause ${parts.map((p) => p.length).join(' + ')} at priorities 0, 5, 10`);
    const targets = await Promise.all(parts.map((part) => targetsOf(part)));
    const peak = watchPeak();
    const queuedMs = Date.now();
    const handles = parts.map((_, i) => engine.submit({ kind: 'pause', targets: targets[i]!,
      priority: priorities[i], options: { concurrency: HOST_CAP } }));
    const records = await Promise.all(handles.map((h) => h.done));
    const priorityFigures = records.map((record, i) => {
      const done = (finishedAt.get(record.id) ?? []).map((ms) => ms - queuedMs);
      return { priority: priorities[i]!, items: record.items.length,
        medianItemDoneMs: median(done), lastItemDoneMs: Math.max(...done) };
    });
    for (const [i, record] of records.entries()) {
      operations.push(await check('priorities', record, parts[i]!));
    }
    samples.push(sample('three pauses at once', peak.stop()));
    const byPriority = [...priorityFigures].sort((a, b) => b.priority - a.priority);
    const inPriorityOrder = byPriority.every((f, i) =>
      i === 0 || f.medianItemDoneMs > byPriority[i - 1]!.medianItemDoneMs);

    await runAll('cleanup', 'unpause');
    await runAll('cleanup', 'remove', { force: true });
    await engine.dispose();
    samples.push(sample('engine disposed'));

    const first = samples[1]!;
    const last = samples[samples.length - 2]!;
    const heapGrowthMB = Math.round((Math.max(...samples.slice(1).map((s) => s.heapUsedMB)) -
      first.heapUsedMB) * 10) / 10;
    const handleSpread = Math.max(...samples.slice(1, -1).map((s) =>
      Math.abs(s.activeResources - first.activeResources)));
    const figures = {
      containers: count,
      machine: {
        cpus: cpus().length,
        loadAverage1m: Math.round(loadavg()[0]! * 10) / 10,
        node: process.version,
        gcForced: typeof (globalThis as { gc?: unknown }).gc === 'function',
      },
      hostCap: HOST_CAP,
      operations,
      priorities: { definition: 'median time from queueing to each item\'s final state, ' +
        'per operation; in order when higher priority has the lower median', byPriority,
        inPriorityOrder },
      resources: { samples, heapGrowthMB, handleSpread,
        heapFlat: heapGrowthMB <= FLAT_HEAP_MB, handlesFlat: handleSpread <= FLAT_HANDLES,
        lastHeapUsedMB: last.heapUsedMB },
      checks: {
        noItemLostOrCountedTwice: operations.every((o) => o.lostOrDuplicated === 0),
        outcomesMatchEngine: operations.every((o) => o.notMatchingEngine === 0),
        inPriorityOrder,
        heapFlat: heapGrowthMB <= FLAT_HEAP_MB,
        handlesFlat: handleSpread <= FLAT_HANDLES,
      },
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    if (!Object.values(figures.checks).every(Boolean)) process.exitCode = 1;
  } finally {
    await engine.dispose();
    progress('removing the throwaway engine');
    await sandbox.stop();
    rmSync(historyDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
