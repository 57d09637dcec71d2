import { OPERATION_KINDS } from '../src/engine/model/operation';
import type { BenchReport } from './benchReport';
import { ceilingOf } from './ceilingOf';
import type { GoalResult } from './evaluateGoals';
import type { RunResult } from './runResult';

/**
 * Writes the report as Markdown: goals first (met or missed, by how much, why), then every
 * run by phase and kind as rates and ratios, Stevedore's own figures, memory, planner and
 * panel. Raw times are shown but rates are what compare across fleet sizes.
 */
export function renderMarkdown(
  report: BenchReport,
  goals: readonly GoalResult[],
  svg: string,
): string {
  const m = report.machine;
  const out: string[] = [
    '# Stevedore benchmarks',
    '',
    `Measured ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench` +
      `${report.mode === 'quick' ? ' -- --quick' : ''}\` in ${fmtDuration(report.durationSec)}.`,
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Linux ${m.kernel}, ` +
      `dockerd ${m.dockerd} (API ${m.dockerApi}), node ${m.node}, ${m.dockerCli}. ` +
      'Only ratios within this run mean much: the machine may be shared with other work, ' +
        'and its speed varies from one run to the next.',
    '',
    '## Goals',
    '',
    '| Goal | Measured | Result | Miss: by how much, likely why |',
    '|---|---|---|---|',
    ...goals.map((g) =>
      `| ${g.goal} | ${g.figure} | ` +
      `${g.met === undefined ? 'not measured' : g.met ? 'met' : '**missed**'} | ${g.note} |`),
    '',
    '## How it was measured',
    '',
    ...method(report).map((line) => `- ${line}`),
    '',
  ];

  for (const phase of report.phases) {
    out.push(`## ${phase.name === 'full' ? 'Full fleet' : 'Sweep'}: ${phase.containers} ` +
      `containers`, '', phase.contenders, '', ...runTable(report.runs, phase.name), '');
  }

  out.push(
    '## Stevedore in detail',
    '',
    '| Phase | Kind | Limiter | Limit mean / max / last | Waves | Plan ms ' +
      '| Loop delay p50 / p99 / max ms | Snapshots | Interval p50 / p99 ms ' +
      '| Change to snapshot p50 / p99 ms | Guard pauses |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of report.runs.filter((x) => x.stevedore)) {
    const s = r.stevedore!;
    out.push(`| ${r.phase} | ${r.kind} | ${s.limiter} | ${s.concurrencyMean} / ` +
      `${s.concurrencyShown} / ${s.concurrencyLast} | ${s.waves} | ` +
      `${s.planMs} | ${r.loopDelayP50Ms} / ${r.loopDelayP99Ms} / ${r.loopDelayMaxMs} | ` +
      `${s.snapshots} | ${s.snapshotP50Ms} / ${s.snapshotP99Ms} | ` +
      `${s.changeToSnapshotP50Ms} / ${s.changeToSnapshotP99Ms} | ${s.guardTrips} |`);
  }

  out.push('', '## Memory stability', '',
    `Heap used after each of ${report.heapAfterRepMb.length} repetitions of pause + unpause of ` +
      `the whole full-phase fleet through one BulkEngine` +
      (report.gcExposed ? ', each read after a forced GC' : ' (no --expose-gc: includes garbage)') +
      `: ${report.heapAfterRepMb.map((h) => `${h} MB`).join(', ') || 'not measured'}.`,
    '', '## Planner at scale, no engine', '');
  if ('error' in report.planner) {
    out.push(`Not measured: ${report.planner.error}`);
  } else {
    out.push('| Containers | Upload ms | Plan ms | Loop delay p50 / p99 / max ms | Idle p99 ms ' +
      '| p99 / idle |', '|---|---|---|---|---|---|');
    for (const p of report.planner) {
      out.push(`| ${p.size.toLocaleString('en-US')} | ${p.uploadMs} | ${p.planMs} | ` +
        `${p.hostEventLoopDelayP50Ms} / ${p.hostEventLoopDelayP99Ms} / ` +
        `${p.hostEventLoopDelayMaxMs} | ${p.baselineDelayP99Ms} | ${p.p99Ratio} |`);
    }
  }
  out.push('', '## Panel replay', '');
  out.push('error' in report.panel
    ? `Not measured: ${report.panel.error}`
    : `${report.panel.items.toLocaleString('en-US')} items in ${report.panel.messages} messages ` +
      `at 10 Hz: ${report.panel.longTasksOver50ms} long tasks (max ` +
      `${report.panel.maxLongTaskMs} ms) against ${report.panel.baselineLongTasks} on the idle ` +
      'page over the same time.');

  out.push('', '## Throughput over time', '', `![Throughput over time](${svg})`, '',
    `Raw figures of every run: \`bench/results/\` (JSON, not committed).`, '');
  return out.join('\n');
}

function method(report: BenchReport): string[] {
  const a = report.args;
  return [
    `Each kind runs in an order that leaves the fleet as the next needs it (start then stop, ` +
      'pause then unpause, restart, kill, remove). Before every run the fleet is brought to ' +
      'the state the kind needs with SIGKILL, start, pause or unpause, untimed, and the ' +
      'daemon is given up to 6 s to settle; every remover gets a fleet fresh from create.',
    `Stop and restart use a ${a.graceSeconds} s grace period for every contender (half the ` +
      'fleet ignores SIGTERM and waits it out); kill sends SIGKILL; remove forces.',
    `Stevedore: one BulkEngine as the extension holds it, with a history and a limit memory, ` +
      `targets from planOperation, concurrency ${report.limiter}. The limit memory is kept ` +
      'across runs and phases, as a session keeps it.',
    `Ceiling: the best of a plain dockerode worker pool swept over ` +
      `${a.sweep.filter((c) => c > 1).join(', ')} in flight on the sweep fleet; the sequential ` +
      'loop is the sweep\'s 1. On the full fleet only the sweep\'s best per kind runs, and ' +
      '"× ceiling" compares with that run on the same fleet.',
    'Naive patterns: an awaited loop over the containers, and one Promise.all over all of ' +
      'them, on the sweep fleet only.',
    `docker CLI: \`docker start|stop -t ${a.graceSeconds}|restart -t ${a.graceSeconds}|kill|` +
      'pause|unpause|rm -f ID...` with DOCKER_HOST on the sandbox, one process per chunk of ' +
      'ids under 100 kB of argv, chunks in turn. On the full fleet it ran ' +
      `${a.cliFullKinds.join(', ') || 'nothing'}; the rest only on the sweep fleet (it starts ` +
      'and restarts one container at a time, and a stop or kill would need another start of ' +
      'the whole fleet first).',
    `Full fleet kinds: ${a.fullKinds.join(', ')}. A start or restart costs this daemon about ` +
      '0.3 s of CPU per container, so each start of the full fleet takes minutes, and every ' +
      'kill but one would need another; kinds left out were judged on the sweep fleet only.',
    `Client CPU: process.cpuUsage() of this process around an in-process run; for the CLI the ` +
      'CPU of its reaped processes (cutime + cstime of /proc/self/stat). Daemon CPU: ' +
      `${report.daemonCpuCounts}. Client peak RSS: this process's RSS sampled every 200 ms ` +
      '(the whole bench process, so a floor shared by all in-process contenders); for the CLI ' +
      'the largest VmHWM of its processes.',
    'Loop delay: this process\'s event-loop delay during each run (monitorEventLoopDelay, ' +
      '10 ms tick taken off). While the CLI or a plain client runs, the process does almost ' +
      'nothing, so their figure is the shared machine\'s own scheduling delay at that time.',
    'Containers/s counts containers that ended in the requested state per second of wall ' +
      'time; "failures" counts the rest, by kind. A run that stops making progress for ' +
      `150 s is reported as hung and the engine restarted (${report.sandboxRestarts} ` +
      'restarts in this run).',
  ];
}

function runTable(runs: readonly RunResult[], phase: string): string[] {
  const out = [
    '| Kind | Contender | Containers | In flight | Wall s | Containers/s | × ceiling | × CLI ' +
      '| Failures | Client CPU s | Daemon CPU s | Client / daemon | Client peak RSS MB ' +
      '| Loop delay p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const kind of OPERATION_KINDS) {
    const ceiling = ceilingOf(runs, phase, kind);
    const cli = runs.find((r) => r.phase === phase && r.kind === kind && r.family === 'cli');
    for (const r of runs.filter((x) => x.phase === phase && x.kind === kind)) {
      const fails = r.failed === 0 ? '0'
        : `${r.failed} (${Object.entries(r.failures).map(([k, n]) => `${n} ${k}`).join(', ')})`;
      const name = r === ceiling ? `**${r.contender}** (ceiling)` : r.contender;
      out.push(`| ${kind} | ${name}${r.hung ? ' HUNG' : ''} | ${r.containers} | ` +
        `${inFlight(r)} | ${(r.wallMs / 1000).toFixed(1)} | ${r.perSecond} | ` +
        `${ratio(r.perSecond, ceiling?.perSecond)} | ${ratio(r.perSecond, cli?.perSecond)} | ` +
        `${fails} | ${r.clientCpuSec} | ${r.daemonCpuSec} | ` +
        `${r.daemonCpuSec > 0 ? ((r.clientCpuSec / r.daemonCpuSec) * 100).toFixed(1) + '%' : '-'}` +
        ` | ${r.clientPeakRssMb} | ${r.loopDelayP99Ms} |`);
    }
  }
  return out;
}

function inFlight(r: RunResult): string {
  // The CLI starts and restarts one at a time and runs the other kinds 50 at a time.
  if (r.family !== 'cli') return r.concurrency;
  return r.kind === 'start' || r.kind === 'restart' ? '1 (CLI)' : '50 (CLI)';
}

function ratio(a: number, b: number | undefined): string {
  return b && b > 0 ? (a / b).toFixed(2) : '-';
}

function fmtDuration(sec: number): string {
  const m = Math.floor(sec / 60);
  return `${m} min ${Math.round(sec - m * 60)} s`;
}
