/**
 * `npm run bench [-- --quick]`: measures Stevedore's engine against the best any client gets
 * from the same throwaway dockerd in the same run (a swept plain client), the docker CLI and
 * the naive patterns, for every operation kind; then the planner at scale and the panel
 * replay. Writes bench/results/*.json and, in default mode, docs/benchmarks.md with its SVG.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

import { removeFleet } from '../scripts/sandbox/fleet';
import { OPERATION_KINDS, type OperationKind } from '../src/engine/model/operation';
import { BenchUsageError, parseBenchArgs, USAGE, type BenchArgs } from './benchArgs';
import type { BenchReport, PhaseSummary } from './benchReport';
import { BenchSandbox } from './benchSandbox';
import { ceilingOf } from './ceilingOf';
import type { Contender } from './contender';
import { describeMachine } from './describeMachine';
import { dockerCliContender, findDockerCli } from './dockerCliContender';
import { evaluateGoals } from './evaluateGoals';
import { LOOP_TICK_MS, lateMs } from './measureRun';
import { measurePanelReplay } from './panel';
import { plainClientContender } from './plainClientContender';
import { plannerAtScale } from './plannerAtScale';
import { renderMarkdown } from './renderMarkdown';
import type { RunResult } from './runResult';
import { type PhaseFleet, runPhase } from './runPhase';
import { StevedoreContender } from './stevedoreContender';
import { throughputSvg } from './throughputSvg';

const REPO = join(__dirname, '..');
const began = Date.now();

function log(line: string): void {
  const s = Math.round((Date.now() - began) / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  console.log(`[${two(Math.floor(s / 60))}:${two(s % 60)}] ${line}`);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--render') {
    // Rewrites the Markdown and SVG from a saved run, e.g. after the report's layout changed.
    const file = argv[1];
    if (!file) throw new BenchUsageError('Expected a results JSON file after --render');
    writeOutputs(JSON.parse(readFileSync(file, 'utf8')) as BenchReport, false);
    return 0;
  }
  const args = parseBenchArgs(argv);
  const startedAt = new Date().toISOString();
  const abort = new AbortController();
  let bench: BenchSandbox | undefined;
  let stateDir: string | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // First Ctrl-C stops the sandbox cleanly; a second one exits and the exit hook sweeps.
    if (stopping) process.exit(130);
    stopping = true;
    abort.abort(new Error(`${signal} received`));
    log(`${signal}: stopping the sandbox (Ctrl-C again kills it at once)`);
    void (bench?.stop() ?? Promise.resolve()).finally(() => {
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log(`mode ${args.quick ? 'quick' : 'default'}: ${args.containers} containers, sweep on ` +
    `${args.subset} over ${args.sweep.join(', ')}, grace ${args.graceSeconds} s`);
  const idleLoopDelayP99Ms = await idleLoopDelay(3_000);
  log('planner at 10,000 and 100,000 synthetic containers');
  const planner = await plannerAtScale().catch((e: unknown) => ({ error: message(e) }));
  log('panel replay');
  const panel = await measurePanelReplay().catch((e: unknown) => ({ error: message(e) }));

  log('starting the sandbox engine');
  bench = await BenchSandbox.start();
  stateDir = mkdtempSync(join(tmpdir(), 'stevedore-bench-state-'));
  const stevedore = new StevedoreContender({
    socketPath: bench.sandbox.socketPath,
    stateDir,
    adaptive: args.adaptive,
    graceSeconds: args.graceSeconds,
  });
  // The same engine without compose order, on the sweep fleet only: it shows how much of a
  // gap to the ceiling (whose plain clients keep no order) the order itself costs.
  const unordered = new StevedoreContender({
    socketPath: bench.sandbox.socketPath,
    stateDir: join(stateDir, 'unordered'),
    adaptive: args.adaptive,
    graceSeconds: args.graceSeconds,
    dependencyOrder: false,
  });
  let report: BenchReport;
  try {
    const cliBinary = findDockerCli();
    const machine = await describeMachine(bench.sandbox.docker, cliBinary);
    const result = await runPhases(bench, args, [stevedore, unordered], cliBinary, abort.signal);
    report = {
      mode: args.quick ? 'quick' : 'default',
      args,
      startedAt,
      durationSec: Math.round((Date.now() - began) / 1000),
      machine,
      limiter: stevedore.describeLimiter('start').replace(/ from \d+/, ' from the kind default'),
      daemonCpuCounts: bench.cpu.counts,
      idleLoopDelayP99Ms,
      planner,
      panel,
      sandboxRestarts: bench.restarts,
      gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
      ...result,
    };
  } finally {
    await stevedore.reset();
    await unordered.reset();
    log('stopping the sandbox engine');
    await bench.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }

  writeOutputs(report, true);
  return 0;
}

/** How long removing a phase's fleet may take before the engine is taken for hung. */
const FLEET_REMOVAL_TIMEOUT_MS = 120_000;

async function runPhases(
  bench: BenchSandbox,
  args: BenchArgs,
  [stevedore, unordered]: readonly [StevedoreContender, StevedoreContender],
  cliBinary: string | undefined,
  signal: AbortSignal,
): Promise<Pick<BenchReport, 'phases' | 'runs' | 'bestConcurrency' | 'heapAfterRepMb'>> {
  const socket = bench.sandbox.socketPath;
  const cli = cliBinary ? [dockerCliContender(cliBinary, bench.sandbox.dockerHost)] : [];
  const fixed = new Map<number, Contender>();
  const fixedAt = (n: number): Contender => {
    let c = fixed.get(n);
    if (!c) {
      c = n === 1 ? plainClientContender(socket, { type: 'sequential' })
        : plainClientContender(socket, { type: 'fixed', concurrency: n });
      fixed.set(n, c);
    }
    return c;
  };
  const unbounded = plainClientContender(socket, { type: 'unbounded' });
  const ctx = { bench, graceSeconds: args.graceSeconds, signal, log };
  const docker = bench.sandbox.docker;
  const fleet: PhaseFleet = {
    createFleet: async (prefix, count) => {
      const made = await bench.createFleet(prefix, count, signal);
      return made.sort((a, b) => a.name.localeCompare(b.name)).map((c) => c.id);
    },
    removeFleet: async (prefix) => {
      // Hung stops (the known dockerd deadlock, seen after 1000 stops at a fixed 64) leave
      // containers that not even a forced removal gets past until the daemon restarts.
      try {
        await removeFleet(docker, prefix, AbortSignal.any([signal, AbortSignal.timeout(
          FLEET_REMOVAL_TIMEOUT_MS)]));
      } catch (error) {
        if (signal.aborted) throw error;
        log(`removing the ${prefix} fleet failed (${message(error)}); restarting the engine`);
        await bench.recover();
        await removeFleet(bench.sandbox.docker, prefix, signal);
      }
    },
  };

  const sweepAll = [...args.sweep.map(fixedAt), unbounded, stevedore, unordered, ...cli];
  log(`sweep phase: ${args.subset} containers, ${sweepAll.map((c) => c.name).join(', ')}`);
  const sweep = await runPhase(ctx, {
    name: 'sweep',
    containers: args.subset,
    contenders: () => sweepAll,
    memoryReps: 0,
    stevedore,
  }, fleet);

  const bestConcurrency: Partial<Record<OperationKind, number>> = {};
  for (const kind of OPERATION_KINDS) {
    const best = ceilingOf(sweep.runs, 'sweep', kind);
    bestConcurrency[kind] = best ? Number(best.concurrency) : 32;
  }
  log(`sweep's best: ${JSON.stringify(bestConcurrency)}`);

  const fullFor = (kind: OperationKind): Contender[] => !args.fullKinds.includes(kind) ? [] : [
    stevedore,
    fixedAt(bestConcurrency[kind] ?? 32),
    ...cli.filter(() => args.cliFullKinds.includes(kind)),
  ];
  log(`full phase: ${args.containers} containers`);
  const full = await runPhase(ctx, {
    name: 'full',
    containers: args.containers,
    contenders: fullFor,
    memoryReps: 5,
    stevedore,
  }, fleet);

  const phases: PhaseSummary[] = [
    {
      name: 'sweep',
      containers: args.subset,
      contenders: `Every contender: ${sweepAll.map((c) => c.name).join(', ')}.`,
    },
    {
      name: 'full',
      containers: args.containers,
      contenders: `Stevedore and the sweep's best fixed concurrency for ` +
        `${args.fullKinds.join(', ')}` +
        (cli.length ? `; the docker CLI for ${args.cliFullKinds.join(', ') || 'no kind'}.` : '.'),
    },
  ];
  return {
    phases,
    runs: [...sweep.runs, ...full.runs],
    bestConcurrency,
    heapAfterRepMb: full.heapAfterRepMb,
  };
}

function writeOutputs(report: BenchReport, withJson: boolean): void {
  const stamp = report.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  const results = join(REPO, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  if (withJson) {
    const jsonPath = join(results, `bench-${report.mode}-${stamp}.json`);
    writeFileSync(jsonPath, JSON.stringify(report, null, 1) + '\n');
    log(`wrote ${jsonPath}`);
  }

  const goals = evaluateGoals(report);
  // Quick runs are smoke tests: they keep out of docs/, which holds the default run's figures.
  const docs = report.mode === 'default' ? join(REPO, 'docs') : results;
  const svgName = report.mode === 'default' ? 'bench-throughput.svg' : `bench-quick-${stamp}.svg`;
  const mdName = report.mode === 'default' ? 'benchmarks.md' : `bench-quick-${stamp}.md`;
  const mdPath = join(docs, mdName);
  mkdirSync(docs, { recursive: true });
  writeFileSync(join(docs, svgName), chart(report.runs));
  writeFileSync(mdPath, renderMarkdown(report, goals, svgName));

  log(`wrote ${mdPath} and ${join(docs, svgName)}`);
  for (const g of goals) {
    log(`${g.met === undefined ? 'n/a   ' : g.met ? 'met   ' : 'MISSED'} ${g.goal}: ${g.figure}`);
  }
}

function chart(runs: readonly RunResult[]): string {
  const pick = (phase: string, family: string): RunResult | undefined =>
    runs.find((r) => r.phase === phase && r.kind === 'start' && r.family === family);
  const phase = pick('full', 'stevedore') ? 'full' : 'sweep';
  const series = [
    { run: pick(phase, 'stevedore'), color: '#1f77b4' },
    { run: pick(phase, 'fixed') ?? runs.find((r) => r.phase === phase && r.kind === 'start' &&
      r.contender === 'sequential loop'), color: '#2ca02c' },
    { run: pick(phase, 'cli'), color: '#d62728' },
  ].flatMap(({ run, color }) => run
    ? [{ label: `${run.contender}: ${run.perSecond}/s`, color,
      completionsMs: run.completionsMs }]
    : []);
  const n = series.length ? pick(phase, 'stevedore')?.containers ?? 0 : 0;
  return throughputSvg(`start of ${n} containers: containers finished per second`, series);
}

async function idleLoopDelay(ms: number): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
  h.enable();
  await delay(ms);
  h.disable();
  return lateMs(h.percentile(99));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchUsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
