/**
 * The soak run (not in CI): on a throwaway engine, a start, then cycles of pause, unpause,
 * restart, stop and start over the whole fleet (a few containers in it cannot start), then
 * three operations queued at once with different priorities. It checks that no item is lost
 * or counted twice, that each outcome matches the engine, that only the broken containers
 * fail, that the priorities show in when items finish, and that heap and handle counts stay
 * flat; it records RSS, dockerd's RSS, timeouts and the engine's outages. Prints one JSON
 * object; progress lines go to stderr.
 *
 *   node --expose-gc --import tsx scripts/soak.ts [--containers N] [--broken N]
 *     [--cycles N] [--budget-minutes M]
 *
 * Defaults: 1000 containers, 2% of them broken, 3 cycles, no time budget. With a budget, no
 * cycle begins that the longest cycle so far says would end past it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { createBrokenContainer, createFleet } from './sandbox/fleet';

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
  /** The whole process, so native buffers and sockets count too. */
  readonly rssMB: number;
  /** The sandbox's dockerd, from /proc; undefined when it cannot be read. */
  readonly dockerdRssMB?: number;
  /** Handles and requests keeping the process alive once the operation ended. */
  readonly activeResources: number;
  readonly resources: Record<string, number>;
  /** The most seen while it ran, sampled every 200 ms: what `activeResources` fell back from. */
  readonly peakWhileRunning?: number;
}

interface OperationFigures {
  readonly phase: 'first start' | `cycle ${number}` | 'priorities' | 'cleanup';
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
  /** Failed items that are not among the broken containers. */
  readonly unexpectedFailures: number;
  /** Failed items by error code, e.g. TIMEOUT for a call that passed its deadline. */
  readonly failuresByCode: Record<string, number>;
  /** Times the failure guard held it; the soak answers "continue" each time. */
  readonly guardTrips: number;
  /** Distinct engine problems shown while it ran ("not answering", "unreachable"). */
  readonly engineProblems: readonly string[];
  readonly engineProblemMs: number;
}

interface CycleFigures {
  readonly cycle: number;
  readonly durationMs: number;
  readonly heapUsedMB: number;
  readonly rssMB: number;
  readonly dockerdRssMB?: number;
}

function readNumber(
  argv: readonly string[],
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const i = argv.indexOf(flag);
  const n = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`Expected ${flag} to be a whole number ${min}-${max}, got "${argv[i + 1]}"`);
  }
  return n;
}

function dockerdRssMB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function progress(message: string): void {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function sample(after: string, dockerdPid: number, peakWhileRunning?: number): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const names = process.getActiveResourcesInfo();
  const resources: Record<string, number> = {};
  for (const name of names) resources[name] = (resources[name] ?? 0) + 1;
  const memory = process.memoryUsage();
  const heapUsedMB = Math.round((memory.heapUsed / 2 ** 20) * 10) / 10;
  const rssMB = Math.round((memory.rss / 2 ** 20) * 10) / 10;
  return { after, heapUsedMB, rssMB, dockerdRssMB: dockerdRssMB(dockerdPid),
    activeResources: names.length, resources, peakWhileRunning };
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
  const argv = process.argv.slice(2);
  const count = readNumber(argv, '--containers', 1000, 3, 5000);
  const brokenCount = readNumber(argv, '--broken', Math.floor(count / 50), 0, count - 1);
  const cycles = readNumber(argv, '--cycles', 3, 0, 100);
  const budgetMs = readNumber(argv, '--budget-minutes', 0, 0, 24 * 60) * 60_000;
  const loadAtStart = loadavg().map((x) => Math.round(x * 10) / 10);
  const runStartedMs = Date.now();
  const historyDir = mkdtempSync(join(tmpdir(), 'stevedore-soak-'));
  progress(`starting a throwaway engine and ${count} containers (${brokenCount} broken), ` +
    `load ${loadAtStart.join(' ')}`);
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

  // A soak has nobody to answer the failure guard: it says continue, and counts each trip.
  const guardTrips = new Map<string, number>();
  engine.onStatus(({ operationId, status }) => {
    if (status !== 'guarded') return;
    guardTrips.set(operationId, (guardTrips.get(operationId) ?? 0) + 1);
    progress(`guard tripped on ${operationId}: ${engine.snapshot(operationId)?.guardReason}`);
    setImmediate(() => engine.decide(operationId, 'continue'));
  });

  // Engine problems as the snapshots show them, and how long each operation showed one.
  const problems = new Map<string, { texts: Set<string>; ms: number; since?: number }>();
  engine.onProgress((snapshot) => {
    const entry = problems.get(snapshot.operationId) ?? { texts: new Set<string>(), ms: 0 };
    problems.set(snapshot.operationId, entry);
    const now = Date.now();
    if (snapshot.engineProblem !== undefined) {
      if (!entry.texts.has(snapshot.engineProblem)) progress(snapshot.engineProblem);
      entry.texts.add(snapshot.engineProblem);
      entry.since ??= now;
    } else if (entry.since !== undefined) {
      entry.ms += now - entry.since;
      entry.since = undefined;
    }
  });

  try {
    await engine.loadHistory();
    const fleet = await createFleet(sandbox.docker, { count: count - brokenCount,
      image: sandbox.imageRef, prefix: 'soak', concurrency: 32 });
    const broken = [];
    // One at a time: a handful of creates, and each has its own deadline.
    for (let b = 0; b < brokenCount; b++) {
      broken.push(await createBrokenContainer(sandbox.docker, sandbox.imageRef,
        `soak-broken-${String(b).padStart(4, '0')}`, { runLabel: 'soak' }));
    }
    // Broken ones spread through the fleet, as they would be on a real host.
    const ids = fleet.map((c) => c.id);
    const step = brokenCount > 0 ? Math.floor(ids.length / brokenCount) : 0;
    broken.forEach((c, b) => ids.splice(Math.min(ids.length, b * (step + 1) + step / 2), 0,
      c.id));
    const brokenIds = new Set(broken.map((c) => c.id));
    const at = (label: string, peak?: number): Sample => sample(label, sandbox.pid, peak);
    const samples: Sample[] = [at('fleet created')];
    const operations: OperationFigures[] = [];
    const cycleFigures: CycleFigures[] = [];

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
      // A restart that succeeded leaves the container running, as a start does.
      const shows = record.kind === 'restart' ? 'start' : record.kind;
      const notMatching = record.items.filter((i) =>
        i.state === 'succeeded' && !showsDone(shows, listed.get(i.id))).length;
      const outcomes: Partial<Record<ItemState, number>> = {};
      for (const item of record.items) outcomes[item.state] = (outcomes[item.state] ?? 0) + 1;
      const failed = record.items.filter((i) => i.state === 'failed');
      const failuresByCode: Record<string, number> = {};
      for (const item of failed) {
        const code = item.error?.code ?? 'NONE';
        failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
      }
      const problem = problems.get(record.id);
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
        unexpectedFailures: failed.filter((i) => !brokenIds.has(i.id)).length,
        failuresByCode,
        guardTrips: guardTrips.get(record.id) ?? 0,
        engineProblems: [...(problem?.texts ?? [])],
        engineProblemMs: (problem?.ms ?? 0) +
          (problem?.since !== undefined ? Date.now() - problem.since : 0),
      };
    };
    const runAll = async (
      phase: OperationFigures['phase'],
      kind: OperationKind,
      options: OperationOptions = {},
    ): Promise<OperationFigures> => {
      progress(`${phase}: ${kind} ${ids.length}`);
      const peak = watchPeak();
      const record = await engine.submit({ kind, targets: await targetsOf(ids), options }).done;
      const peakWhileRunning = peak.stop();
      const figures = await check(phase, record, ids);
      operations.push(figures);
      const s = at(`${phase}: ${kind}`, peakWhileRunning);
      samples.push(s);
      progress(`${kind} ended ${record.status} in ${Math.round(figures.durationMs / 1000)} s: ` +
        `${JSON.stringify(figures.outcomes)} ${JSON.stringify(figures.failuresByCode)}, ` +
        `heap ${s.heapUsedMB} MB, rss ${s.rssMB} MB, dockerd ${s.dockerdRssMB} MB`);
      return figures;
    };
    // A daemon that stopped answering stops actions for good (the libnetwork deadlock of the
    // notes); going on would only pile up deadlines, so the cycles end there and say so.
    const looksHung = (figures: OperationFigures): boolean =>
      (figures.failuresByCode['TIMEOUT'] ?? 0) + (figures.failuresByCode['UNREACHABLE'] ?? 0) >
        figures.items / 4;

    await runAll('first start', 'start');
    let cyclesRun = 0;
    let stoppedBecause: string | undefined;
    for (let c = 1; c <= cycles; c++) {
      const longest = Math.max(0, ...cycleFigures.map((f) => f.durationMs));
      if (budgetMs > 0 && Date.now() - runStartedMs + longest > budgetMs) {
        stoppedBecause = `time budget: ${c - 1} cycles fit in ${budgetMs / 60_000} minutes`;
        break;
      }
      const cycleStartedMs = Date.now();
      const phase = `cycle ${c}` as const;
      let hung = false;
      for (const [kind, options] of [['pause', {}], ['unpause', {}],
        ['restart', { graceSeconds: 1 }], ['stop', { graceSeconds: 1 }], ['start', {}],
      ] as const) {
        if (looksHung(await runAll(phase, kind, options))) {
          hung = true;
          break;
        }
      }
      const last = samples[samples.length - 1]!;
      cycleFigures.push({ cycle: c, durationMs: Date.now() - cycleStartedMs,
        heapUsedMB: last.heapUsedMB, rssMB: last.rssMB, dockerdRssMB: last.dockerdRssMB });
      cyclesRun = c;
      if (hung) {
        stoppedBecause = `the engine stopped answering in cycle ${c}`;
        progress(stoppedBecause);
        break;
      }
    }

    // Three pauses queued at once on thirds of the fleet. Each may fill the host's cap on its
    // own, so the shared queue decides who goes first, by priority.
    let priorities: unknown = 'not run: the engine stopped answering';
    if (stoppedBecause?.startsWith('the engine') !== true) {
      const third = Math.floor(ids.length / 3);
      const parts = [ids.slice(0, third), ids.slice(third, 2 * third), ids.slice(2 * third)];
      const levels = [0, 5, 10];
      progress(`pause ${parts.map((p) => p.length).join(' + ')} at priorities 0, 5, 10`);
      const targets = await Promise.all(parts.map((part) => targetsOf(part)));
      const peak = watchPeak();
      const queuedMs = Date.now();
      const handles = parts.map((_, i) => engine.submit({ kind: 'pause', targets: targets[i]!,
        priority: levels[i], options: { concurrency: HOST_CAP } }));
      const records = await Promise.all(handles.map((h) => h.done));
      const priorityFigures = records.map((record, i) => {
        const done = (finishedAt.get(record.id) ?? []).map((ms) => ms - queuedMs);
        return { priority: levels[i]!, items: record.items.length,
          medianItemDoneMs: median(done), lastItemDoneMs: Math.max(...done) };
      });
      for (const [i, record] of records.entries()) {
        operations.push(await check('priorities', record, parts[i]!));
      }
      samples.push(at('three pauses at once', peak.stop()));
      const byPriority = [...priorityFigures].sort((a, b) => b.priority - a.priority);
      const inPriorityOrder = byPriority.every((f, i) =>
        i === 0 || f.medianItemDoneMs > byPriority[i - 1]!.medianItemDoneMs);
      priorities = { definition: 'median time from queueing to each item\'s final state, ' +
        'per operation; in order when higher priority has the lower median', byPriority,
        inPriorityOrder };
      await runAll('cleanup', 'unpause');
    }
    await runAll('cleanup', 'remove', { force: true });
    await engine.dispose();
    samples.push(at('engine disposed'));

    const first = samples[1]!;
    const last = samples[samples.length - 2]!;
    const heapGrowthMB = Math.round((Math.max(...samples.slice(1).map((s) => s.heapUsedMB)) -
      first.heapUsedMB) * 10) / 10;
    const rssGrowthMB = Math.round((Math.max(...samples.slice(1).map((s) => s.rssMB)) -
      first.rssMB) * 10) / 10;
    const handleSpread = Math.max(...samples.slice(1, -1).map((s) =>
      Math.abs(s.activeResources - first.activeResources)));
    const itemsTotal = operations.reduce((n, o) => n + o.items, 0);
    const failedTotal = operations.reduce((n, o) => n + (o.outcomes.failed ?? 0), 0);
    const unexpectedTotal = operations.reduce((n, o) => n + o.unexpectedFailures, 0);
    const timeoutsTotal = operations.reduce((n, o) => n + (o.failuresByCode['TIMEOUT'] ?? 0), 0);
    const inPriorityOrder = typeof priorities === 'object' && priorities !== null &&
      (priorities as { inPriorityOrder: boolean }).inPriorityOrder;
    const figures = {
      containers: count,
      broken: brokenCount,
      machine: {
        cpus: cpus().length,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg().map((x) => Math.round(x * 10) / 10),
        node: process.version,
        gcForced: typeof (globalThis as { gc?: unknown }).gc === 'function',
      },
      hostCap: HOST_CAP,
      durationMs: Date.now() - runStartedMs,
      cycles: { asked: cycles, run: cyclesRun, stoppedBecause, perCycle: cycleFigures },
      failures: {
        items: itemsTotal,
        failed: failedTotal,
        failedPercent: Math.round((failedTotal / itemsTotal) * 10_000) / 100,
        unexpected: unexpectedTotal,
        unexpectedPercent: Math.round((unexpectedTotal / itemsTotal) * 10_000) / 100,
        timeouts: timeoutsTotal,
        guardTrips: operations.reduce((n, o) => n + o.guardTrips, 0),
        operationsShowingAnEngineProblem: operations.filter((o) =>
          o.engineProblems.length > 0).length,
      },
      operations,
      priorities,
      resources: { samples, heapGrowthMB, rssGrowthMB, handleSpread,
        heapFlat: heapGrowthMB <= FLAT_HEAP_MB, handlesFlat: handleSpread <= FLAT_HANDLES,
        lastHeapUsedMB: last.heapUsedMB, lastRssMB: last.rssMB },
      checks: {
        noItemLostOrCountedTwice: operations.every((o) => o.lostOrDuplicated === 0),
        outcomesMatchEngine: operations.every((o) => o.notMatchingEngine === 0),
        onlyBrokenContainersFail: unexpectedTotal === 0,
        allCyclesRun: cyclesRun === cycles,
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
