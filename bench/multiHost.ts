/**
 * `npx tsx bench/multiHost.ts [--per-host 300] [--hosts 3]`: one BulkEngine over several
 * throwaway daemons against the same engine over one daemon with all their containers, in
 * one process and one run: 3 daemons of 300 containers each, then 1 daemon of 900, start then stop
 * through each. On one machine the daemons share its cores, so the ratio says what
 * dispatching to each engine on its own costs or gains, not what three real hosts would do.
 * Writes bench/results/hosts-*.json and prints a Markdown table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { type DockerSandbox, startSandbox } from '../scripts/sandbox/dockerSandbox';
import { createFleet, removeFleet } from '../scripts/sandbox/fleet';
import { DockerAdapter } from '../src/engine/docker/dockerAdapter';
import { HistoryStore } from '../src/engine/history/historyStore';
import type { ContainerSummary } from '../src/engine/model/container';
import type { OperationKind } from '../src/engine/model/operation';
import { BulkEngine } from '../src/engine/operation/bulkEngine';
import { planOperation } from '../src/engine/planner/plan/planOperation';
import { LimitMemory } from '../src/engine/queue/limitMemory';
import { DaemonCpuMeter } from './daemonCpuMeter';

const REPO = join(__dirname, '..');
const KINDS: readonly OperationKind[] = ['start', 'stop'];
const GRACE_SECONDS = 2;
/** A run that finishes no item for this long is cancelled and reported as hung. */
const STALL_MS = 150_000;
const LIST_TIMEOUT_MS = 60_000;
const FLEET_TIMEOUT_MS = 600_000;
const began = Date.now();

interface Args {
  readonly perHost: number;
  readonly hosts: number;
}

/** One operation of one layout, as measured. */
interface HostsRun {
  readonly layout: string;
  readonly kind: OperationKind;
  readonly daemons: number;
  readonly containers: number;
  readonly wallSec: number;
  readonly perSecond: number;
  readonly failures: number;
  readonly hung: boolean;
  /** Requests in flight the progress showed at most, over all engines. */
  readonly concurrencyMax: number;
  readonly clientCpuSec: number;
  readonly daemonCpuSec: number;
  /** Containers per second each engine managed, by host name. */
  readonly perHostPerSecond: Record<string, number>;
}

function log(line: string): void {
  const s = Math.round((Date.now() - began) / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  console.log(`[${two(Math.floor(s / 60))}:${two(s % 60)}] ${line}`);
}

function parseArgs(argv: readonly string[]): Args {
  let perHost = 300;
  let hosts = 3;
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--per-host' && Number.isInteger(value) && value > 0) perHost = value;
    else if (argv[i] === '--hosts' && Number.isInteger(value) && value > 1) hosts = value;
    else throw new Error(`usage: npx tsx bench/multiHost.ts [--per-host N] [--hosts N>1]`);
    i++;
  }
  return { perHost, hosts };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const startedAt = new Date().toISOString();
  const total = args.perHost * args.hosts;
  log(`${args.hosts} daemons of ${args.perHost} containers, then 1 daemon of ${total}`);

  const sandboxes: DockerSandbox[] = [];
  const meters: DaemonCpuMeter[] = [];
  const runs: HostsRun[] = [];
  try {
    for (let i = 1; i <= args.hosts; i++) {
      log(`starting daemon ${i}`);
      const sandbox = await startSandbox({ name: `hosts${i}` });
      sandboxes.push(sandbox);
      // Every meter of this process counts into the same cgroup: one reading is all daemons.
      const meter = new DaemonCpuMeter(sandbox.rootDir);
      meter.attach();
      meters.push(meter);
    }
    const cpu = meters[0] as DaemonCpuMeter;

    log(`spread: ${args.perHost} containers on each of ${args.hosts} daemons`);
    await Promise.all(sandboxes.map((s) => fleetOn(s, 'spread', args.perHost)));
    for (const kind of KINDS) {
      runs.push(await measure(`${args.hosts} daemons × ${args.perHost}`, kind, sandboxes, cpu));
    }
    await Promise.all(sandboxes.map((s) => removeFleet(s.docker, 'spread',
      AbortSignal.timeout(FLEET_TIMEOUT_MS))));

    const one = sandboxes[0] as DockerSandbox;
    log(`single: ${total} containers on one daemon`);
    await fleetOn(one, 'single', total);
    for (const kind of KINDS) {
      runs.push(await measure(`1 daemon × ${total}`, kind, [one], cpu));
    }
    await removeFleet(one.docker, 'single', AbortSignal.timeout(FLEET_TIMEOUT_MS));
  } finally {
    log('stopping the daemons');
    await Promise.all(sandboxes.map((s) => s.stop()));
    for (const meter of meters) meter.dispose();
  }

  const report = {
    startedAt,
    durationSec: Math.round((Date.now() - began) / 1000),
    cores: cpus().length,
    args,
    graceSeconds: GRACE_SECONDS,
    runs,
  };
  const dir = join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `hosts-${startedAt.replace(/[:.]/g, '-').slice(0, 19)}.json`);
  writeFileSync(file, JSON.stringify(report, null, 1) + '\n');
  log(`wrote ${file}`);
  console.log(renderTable(runs));
}

async function fleetOn(sandbox: DockerSandbox, prefix: string, count: number): Promise<void> {
  await createFleet(sandbox.docker, {
    count,
    image: sandbox.imageRef,
    prefix,
    runLabel: prefix,
    signal: AbortSignal.timeout(FLEET_TIMEOUT_MS),
  });
}

/**
 * One operation over every container of `sandboxes` through a fresh BulkEngine with its own
 * history and limit memory, so both layouts start from the kind defaults.
 */
async function measure(
  layout: string,
  kind: OperationKind,
  sandboxes: readonly DockerSandbox[],
  cpu: DaemonCpuMeter,
): Promise<HostsRun> {
  const stateDir = mkdtempSync(join(tmpdir(), 'stevedore-bench-hosts-'));
  const adapters = sandboxes.map((s) => new DockerAdapter({
    endpoint: { kind: 'unix', socketPath: s.socketPath, label: s.name },
    hostName: s.name,
  }));
  const limitMemory = new LimitMemory(stateDir);
  const engine = new BulkEngine({ adapters, history: new HistoryStore(stateDir), limitMemory });

  try {
    const lists = await Promise.all(adapters.map((a) => a.list(AbortSignal.timeout(
      LIST_TIMEOUT_MS))));
    const containers: ContainerSummary[] = lists.flat();
    const options = { graceSeconds: GRACE_SECONDS };
    const plan = planOperation({
      containers,
      kind,
      options,
      ids: containers.map((c) => c.id),
      nowMs: Date.now(),
    });
    log(`${layout}: ${kind} of ${plan.targets.length} containers` +
      (plan.skipped.length ? ` (${plan.skipped.length} skipped by the plan)` : ''));

    let concurrencyMax = 0;
    let lastChangeMs = performance.now();
    const doneAtByHost = new Map<string, number[]>();
    const t0 = performance.now();
    const subs = [
      engine.onProgress((s) => {
        concurrencyMax = Math.max(concurrencyMax, s.concurrency);
      }),
      engine.onItem(({ item }) => {
        lastChangeMs = performance.now();
        if (item.state !== 'succeeded' && item.state !== 'skipped') return;
        const list = doneAtByHost.get(item.host) ?? [];
        list.push(lastChangeMs - t0);
        doneAtByHost.set(item.host, list);
      }),
    ];
    const cpuBefore = cpu.read();
    const clientBefore = process.cpuUsage();
    const handle = engine.submit({
      kind,
      targets: plan.targets,
      waves: plan.waves,
      skipped: plan.skipped,
      options,
      label: `bench ${layout} ${kind}`,
    });
    let hung = false;
    const watch = setInterval(() => {
      if (performance.now() - lastChangeMs < STALL_MS) return;
      hung = true;
      engine.cancel(handle.id);
    }, 5_000);
    const record = await handle.done.finally(() => clearInterval(watch));
    const wallSec = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(clientBefore);
    const daemonCpuSec = cpu.read() - cpuBefore;
    for (const sub of subs) sub.dispose();

    const done = record.items.filter((i) => i.state === 'succeeded' || i.state === 'skipped');
    const perHostPerSecond: Record<string, number> = {};
    for (const [host, times] of doneAtByHost) {
      const lastSec = Math.max(...times) / 1000;
      perHostPerSecond[host] = round(times.length / Math.max(lastSec, 0.001), 2);
    }
    const run: HostsRun = {
      layout,
      kind,
      daemons: sandboxes.length,
      containers: record.items.length,
      wallSec: round(wallSec, 1),
      perSecond: round(done.length / wallSec, 2),
      failures: record.items.length - done.length,
      hung,
      concurrencyMax,
      clientCpuSec: round((client.user + client.system) / 1e6, 2),
      daemonCpuSec: round(daemonCpuSec, 1),
      perHostPerSecond,
    };
    log(`${layout}: ${kind} ${run.perSecond}/s in ${run.wallSec} s, ${run.failures} failed` +
      `${hung ? ' (hung)' : ''}, at most ${concurrencyMax} in flight, daemons ` +
      `${run.daemonCpuSec} s CPU, per host ${JSON.stringify(perHostPerSecond)}`);
    return run;
  } finally {
    await engine.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function renderTable(runs: readonly HostsRun[]): string {
  const lines = [
    '| Layout | Kind | Containers | Wall s | Containers/s | × one daemon | Failures | ' +
      'Max in flight | Daemon CPU s | Client CPU s | Per host /s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    const single = runs.find((r) => r.kind === run.kind && r.daemons === 1);
    const ratio = single && single.perSecond > 0 ? (run.perSecond / single.perSecond) : NaN;
    const perHost = Object.entries(run.perHostPerSecond).map(([h, v]) => `${h} ${v}`).join(', ');
    lines.push(`| ${run.layout} | ${run.kind} | ${run.containers} | ${run.wallSec} | ` +
      `${run.perSecond} | ${Number.isNaN(ratio) ? '-' : ratio.toFixed(2)} | ${run.failures}` +
      `${run.hung ? ' (hung)' : ''} | ${run.concurrencyMax} | ${run.daemonCpuSec} | ` +
      `${run.clientCpuSec} | ${perHost} |`);
  }
  return lines.join('\n');
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
