import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

import type { OperationKind } from '../src/engine/model/operation';
import type { BenchSandbox } from './benchSandbox';
import type { Contender } from './contender';
import { bringFleetTo, type FleetState } from './fleetState';
import type { ContenderOutcome, RunResult } from './runResult';

/** What every run of a phase shares. */
export interface MeasureContext {
  readonly bench: BenchSandbox;
  readonly phase: string;
  /** The fleet's label, to find its containers. */
  readonly runLabel: string;
  readonly graceSeconds: number;
  /** Aborts on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/** The state each kind needs its containers in before it runs. */
export const PRE_STATE: Readonly<Record<OperationKind, FleetState>> = {
  start: 'exited',
  stop: 'running',
  restart: 'running',
  kill: 'running',
  pause: 'running',
  unpause: 'paused',
  remove: 'exited',
};

/** No item finished for this long: the engine is taken to be hung. */
const STALL_MS = 150_000;
const QUIET_MAX_MS = 6_000;
/** The loop-delay sampling tick; Node records tick plus lateness, so it is taken off. */
export const LOOP_TICK_MS = 10;

/**
 * Runs one contender on one kind from the same starting state as every other: resets the
 * fleet (untimed), lets the daemon settle, then times the run and reads client CPU, daemon
 * CPU and peak RSS around it. A run that stalls is aborted, reported as hung, and the engine
 * restarted.
 */
export async function measureRun(
  ctx: MeasureContext,
  contender: Contender,
  kind: OperationKind,
  ids: readonly string[],
): Promise<RunResult> {
  await resetWithRecovery(ctx, contender, ids, PRE_STATE[kind]);
  await contender.prepare?.(kind, ids, ctx.signal);
  await waitForQuiet(ctx.bench);

  const watchdog = new AbortController();
  // Every request in flight listens to it; hundreds at once is by design.
  setMaxListeners(0, watchdog.signal);
  const onOuterAbort = (): void => watchdog.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  let lastTick = performance.now();
  const stallTimer = setInterval(() => {
    if (performance.now() - lastTick > STALL_MS) watchdog.abort(new Error('stalled'));
  }, 1_000);
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 200);

  const loop = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
  loop.enable();
  const startedAt = new Date().toISOString();
  const cpu0 = process.cpuUsage();
  const daemon0 = ctx.bench.cpu.read();
  const t0 = performance.now();
  let outcome: ContenderOutcome;
  try {
    outcome = await contender.run({
      kind,
      ids,
      signal: watchdog.signal,
      graceSeconds: ctx.graceSeconds,
      t0,
      tick: () => (lastTick = performance.now()),
    });
  } finally {
    loop.disable();
    clearInterval(stallTimer);
    clearInterval(rssTimer);
    ctx.signal.removeEventListener('abort', onOuterAbort);
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const daemonCpuSec = ctx.bench.cpu.read() - daemon0;
  const hung = watchdog.signal.aborted && !ctx.signal.aborted;

  const failed = Object.values(outcome.failures).reduce((a, b) => a + b, 0);
  const result: RunResult = {
    phase: ctx.phase,
    contender: contender.name,
    family: contender.family,
    kind,
    containers: ids.length,
    concurrency: contender.concurrency,
    wallMs: Math.round(wallMs),
    perSecond: Math.round((outcome.succeeded / (wallMs / 1000)) * 100) / 100,
    succeeded: outcome.succeeded,
    failed,
    failures: outcome.failures,
    clientCpuSec: round2((cpu.user + cpu.system) / 1e6 + (outcome.childCpuSec ?? 0)),
    daemonCpuSec: round2(daemonCpuSec),
    clientPeakRssMb: Math.round(outcome.childPeakRssMb ?? peakRss / 2 ** 20),
    loopDelayP50Ms: lateMs(loop.percentile(50)),
    loopDelayP99Ms: lateMs(loop.percentile(99)),
    loopDelayMaxMs: lateMs(loop.max),
    hung,
    completionsMs: outcome.completionsMs.map((ms) => Math.round(ms)),
    stevedore: outcome.stevedore,
    startedAt,
  };
  ctx.log(describe(result));

  if (hung) {
    ctx.log(`  ${contender.name} ${kind}: the engine stopped answering; restarting it`);
    await ctx.bench.recover();
    await contender.reset?.();
  }
  return result;
}

async function resetWithRecovery(
  ctx: MeasureContext,
  contender: Contender,
  ids: readonly string[],
  state: FleetState,
): Promise<void> {
  const docker = ctx.bench.sandbox.docker;
  try {
    await bringFleetTo(docker, ctx.runLabel, ids, state, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log(`  reset to ${state} failed (${String(error)}); restarting the engine`);
    await ctx.bench.recover();
    await contender.reset?.();
    await bringFleetTo(docker, ctx.runLabel, ids, state, ctx.signal);
  }
}

/**
 * Waits until the daemon's CPU stops falling, so the cleanup of a reset (shims exiting,
 * mounts going away) is not billed to the next run. Running containers keep their shims
 * busy, so "quiet" means steady rather than zero.
 */
async function waitForQuiet(bench: BenchSandbox): Promise<void> {
  const began = performance.now();
  let before = bench.cpu.read();
  let lastRate = Infinity;
  while (performance.now() - began < QUIET_MAX_MS) {
    await delay(500);
    const now = bench.cpu.read();
    const rate = (now - before) / 0.5;
    before = now;
    if (rate < 0.15 || rate > lastRate * 0.85) return;
    lastRate = rate;
  }
}

function describe(r: RunResult): string {
  const fails = r.failed ? `, ${r.failed} failed ${JSON.stringify(r.failures)}` : '';
  return (
    `${r.phase} ${r.kind.padEnd(7)} ${r.contender.padEnd(20)} ${String(r.containers).padStart(5)}` +
    ` in ${(r.wallMs / 1000).toFixed(1).padStart(6)} s = ${r.perSecond.toFixed(1).padStart(6)}/s` +
    ` client ${r.clientCpuSec}s daemon ${r.daemonCpuSec}s${fails}${r.hung ? ' HUNG' : ''}`
  );
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Milliseconds a loop-delay reading (ns, tick included) ran late. */
export function lateMs(ns: number): number {
  return Math.max(0, Math.round((ns / 1e6 - LOOP_TICK_MS) * 10) / 10);
}
