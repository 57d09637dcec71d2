import { HistoryStore } from '../engine/history/historyStore';
import { BulkEngine } from '../engine/operation/bulkEngine';
import { planOperation } from '../engine/planner/plan/planOperation';
import type { Plan } from '../engine/planner/plan/planTypes';
import { parseSelector } from '../engine/planner/selector/parseSelector';
import { SelectorSyntaxError } from '../engine/planner/selector/selectorSyntaxError';
import { LimitMemory } from '../engine/queue/limitMemory';
import type { Logger } from '../engine/util/logger';
import type { OperationCommand } from './cliArgs';
import { UsageError } from './cliArgs';
import { type CliResult, toCliResult } from './cliResult';
import { defaultHistoryDir } from './defaultHistoryDir';
import { listEngines, type UnreachableEngine } from './listEngines';
import { createProgressReporter } from './progressReporter';
import { resolveCliEngines } from './resolveCliEngines';

/** What a CLI run needs from its process, so tests can drive it without one. */
export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  /** Aborts when the user presses Ctrl-C once; the operation is then cancelled. */
  readonly interrupt: AbortSignal;
  readonly log: Logger;
}

/** Exit codes of the CLI's contract. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

/**
 * Lists the containers of every engine asked for, plans the operation over all of them, runs
 * it with a progress display and prints the result. Returns the exit code.
 */
export async function runOperationCommand(cmd: OperationCommand, io: CliIo): Promise<number> {
  const selector = parseSelectorOrUsage(cmd.select);
  const engines = await resolveCliEngines({
    hosts: cmd.hosts,
    contexts: cmd.contexts,
    env: io.env,
  });
  const listed = await listEngines(engines, io.interrupt);
  const { adapters, containers, unreachable } = listed;
  if (engines.length === 1 && listed.firstError !== undefined) {
    // One engine: its own error, as ever; main says it in one line and exits 1.
    throw listed.firstError;
  }
  if (unreachable.length > 0 && (!cmd.skipUnreachable || adapters.length === 0)) {
    reportUnreachable(unreachable, cmd.skipUnreachable, io);
    return EXIT_FAILED;
  }
  for (const engine of unreachable) {
    io.stderr.write(`Warning: skipping ${engine.host}, which cannot be listed: ` +
      `${engine.message}\n`);
  }

  const historyDir = cmd.historyDir ?? defaultHistoryDir(io.env);
  // Remembered limits start "auto" near what worked before; their rates give the estimate.
  const limits = new LimitMemory(historyDir, { log: io.log });
  for (const warning of await limits.load()) io.stderr.write(`Warning: ${warning}\n`);
  const plan = planOperation({
    containers,
    kind: cmd.kind,
    options: operationOptions(cmd),
    selector,
    ids: cmd.ids.length > 0 ? cmd.ids : undefined,
    nowMs: Date.now(),
    observedRates: limits.observedRates(),
  });

  for (const missing of plan.missing) {
    io.stderr.write(`No single container matches "${missing}"\n`);
  }
  for (const warning of plan.warnings) io.stderr.write(`Warning: ${warning}\n`);
  if (cmd.dryRun) {
    printPlan(plan, cmd, adapters.map((a) => a.hostName), io);
    return EXIT_OK;
  }

  const history = new HistoryStore(historyDir, { log: io.log });
  const engine = new BulkEngine({
    adapters,
    history,
    ...(cmd.maxOutageSeconds === undefined ? {} : { maxOutageMs: cmd.maxOutageSeconds * 1000 }),
    limitMemory: cmd.concurrency === undefined ? limits : undefined,
    log: io.log,
  });
  for (const warning of await engine.loadHistory()) io.stderr.write(`Warning: ${warning}\n`);

  const reporter = createProgressReporter(io.stderr, cmd.json);
  engine.onProgress((snapshot) => reporter.update(snapshot));
  const handle = engine.submit({
    kind: cmd.kind,
    targets: plan.targets,
    waves: plan.waves,
    chains: plan.chains,
    skipped: plan.skipped,
    options: operationOptions(cmd),
    label: cmd.select ?? cmd.ids.join(' '),
  });
  // Nobody is there to answer the failure guard: stop, say why, and let the exit code tell.
  engine.onStatus((event) => {
    if (event.operationId !== handle.id || event.status !== 'guarded') return;
    // With several engines the reason names the one whose failures tripped its own guard.
    const reason = engine.snapshot(handle.id)?.guardReason ?? 'too many items failed';
    io.stderr.write(
      `Stopped by the failure guard: ${reason}. Unsent items are cancelled; ` +
        '--keep-going or --failure-threshold runs past failures.\n',
    );
    engine.decide(handle.id, 'cancel');
  });
  const onInterrupt = (): void => engine.cancel(handle.id);
  io.interrupt.addEventListener('abort', onInterrupt, { once: true });

  let record;
  try {
    record = await handle.done;
  } finally {
    io.interrupt.removeEventListener('abort', onInterrupt);
    reporter.stop();
    await engine.dispose();
  }

  const result = toCliResult(record, unreachable);
  if (cmd.json) {
    io.stdout.write(JSON.stringify(result) + '\n');
  } else {
    printSummary(result, adapters.length, io);
  }
  if (io.interrupt.aborted) return EXIT_CANCELLED;
  return result.failed > 0 || plan.missing.length > 0 ? EXIT_FAILED : EXIT_OK;
}

function parseSelectorOrUsage(text: string | undefined) {
  if (text === undefined) return undefined;
  try {
    return parseSelector(text);
  } catch (error) {
    if (error instanceof SelectorSyntaxError) throw new UsageError(error.message);
    throw error;
  }
}

function operationOptions(cmd: OperationCommand) {
  return {
    graceSeconds: cmd.graceSeconds,
    signal: cmd.signal,
    force: cmd.force,
    concurrency: cmd.concurrency,
    failureThreshold: cmd.keepGoing ? 1 : cmd.failureThreshold,
    ...(cmd.dependencyOrder ? {} : { dependencyOrder: false }),
  };
}

function reportUnreachable(
  unreachable: readonly UnreachableEngine[],
  skipping: boolean,
  io: CliIo,
): void {
  for (const engine of unreachable) {
    io.stderr.write(`stevedore: cannot list ${engine.host}: ${engine.message}\n`);
  }
  io.stderr.write(skipping
    ? 'stevedore: no engine could be listed; nothing was changed\n'
    : 'stevedore: nothing was changed; --skip-unreachable runs on the engines that answer\n');
}

function printPlan(plan: Plan, cmd: OperationCommand, hosts: readonly string[], io: CliIo): void {
  if (cmd.json) {
    const { targets, skipped, ...rest } = plan;
    const summary = {
      ...rest,
      targets: targets.map((t) => ({ id: t.id, name: t.name, state: t.state, host: t.host })),
      skipped: skipped.map((s) => ({
        id: s.target.id,
        name: s.target.name,
        host: s.target.host,
        reason: s.reason,
      })),
    };
    io.stdout.write(JSON.stringify(summary) + '\n');
    return;
  }
  const where = hosts.length > 1 ? ` on ${hosts.length} engines` : '';
  io.stdout.write(`Would ${plan.kind} ${plan.targets.length} containers${where}`);
  io.stdout.write(plan.skipped.length ? ` (${plan.skipped.length} skipped)\n` : '\n');
  if (hosts.length > 1) {
    // Every engine listed, so one with nothing to do shows as 0 rather than vanishing.
    const counts = new Map(plan.byHost.map((h) => [h.host, h.count]));
    for (const host of hosts) io.stdout.write(`  ${host}: ${counts.get(host) ?? 0}\n`);
  }
  if (plan.sample.length) io.stdout.write(`  e.g. ${plan.sample.join(', ')}\n`);
  const reasons = new Map<string, number>();
  for (const s of plan.skipped) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  for (const [reason, n] of reasons) io.stdout.write(`  skipped ${n}: ${reason}\n`);
  if (plan.estimate) {
    io.stdout.write(`  estimated ${Math.round(plan.estimate.durationMs / 1000)} s ` +
      `(${plan.estimate.basis})\n`);
  }
}

function printSummary(result: CliResult, engineCount: number, io: CliIo): void {
  io.stdout.write(
    `${result.kind}: ${result.succeeded} succeeded, ${result.skipped} skipped, ` +
      `${result.failed} failed, ${result.cancelled} cancelled of ${result.total} ` +
      `in ${(result.durationMs / 1000).toFixed(1)} s (operation ${result.id})\n`,
  );
  if (engineCount > 1) {
    for (const h of result.hosts) {
      io.stdout.write(`  ${h.host}: ${h.succeeded} succeeded, ${h.skipped} skipped, ` +
        `${h.failed} failed, ${h.cancelled} cancelled of ${h.total}\n`);
    }
  }
  for (const item of result.items.filter((i) => i.outcome === 'failed').slice(0, 20)) {
    const where = engineCount > 1 ? ` (${item.host})` : '';
    io.stdout.write(`  ${item.name}${where}: ${item.error?.message ?? 'failed'}\n`);
  }
}
