import type { OperationOptions } from '../engine/model/operation';
import { parseSelector } from '../engine/planner/selector/parseSelector';
import { isSelectorSyntaxError } from '../engine/planner/selector/selectorSyntaxError';
import { isScheduleError } from '../engine/schedule/scheduleError';
import { describeTiming } from '../engine/schedule/describeTiming';
import { Scheduler } from '../engine/schedule/scheduler';
import type {
  Schedule,
  ScheduleTiming,
  ScheduleView,
} from '../engine/schedule/scheduleTypes';
import type { OperationCommand, ScheduleAddCommand, ScheduleCommand } from './cliArgs';
import { UsageError } from './cliArgs';
import { defaultHistoryDir } from './defaultHistoryDir';
import type { CliIo } from './runOperationCommand';
import {
  EXIT_CANCELLED,
  EXIT_OK,
  EXIT_USAGE,
  runOperationCommand,
} from './runOperationCommand';

/**
 * Adds, lists, cancels or runs scheduled operations, kept in the history folder. `run`
 * stays in the foreground, running each schedule when due, until Ctrl-C.
 */
export async function runScheduleCommand(cmd: ScheduleCommand, io: CliIo): Promise<number> {
  const dir = cmd.historyDir ?? defaultHistoryDir(io.env);
  const runHost = cmd.action === 'run' ? cmd.host : undefined;
  const scheduler = new Scheduler({
    dir,
    log: io.log,
    runDue: (schedule) => runScheduled(schedule, runHost, dir, io),
  });

  try {
    switch (cmd.action) {
      case 'add':
        return await add(scheduler, cmd, io);
      case 'list':
        return await list(scheduler, cmd.json, io);
      case 'cancel': {
        const schedule = await scheduler.cancel(cmd.id);
        io.stdout.write(`Cancelled schedule ${schedule.id}: ${summarize(schedule)}\n`);
        return EXIT_OK;
      }
      case 'run':
        return await watch(scheduler, dir, io);
    }
  } catch (error) {
    if (!isScheduleError(error)) throw error;
    io.stderr.write(`stevedore: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

async function add(scheduler: Scheduler, cmd: ScheduleAddCommand, io: CliIo): Promise<number> {
  if (cmd.select !== undefined) {
    // Checked now so that a typo fails here, not at 02:00 with nobody watching.
    try {
      parseSelector(cmd.select);
    } catch (error) {
      if (isSelectorSyntaxError(error)) throw new UsageError(error.message);
      throw error;
    }
  }

  const options: OperationOptions = {
    ...(cmd.graceSeconds !== undefined ? { graceSeconds: cmd.graceSeconds } : {}),
    ...(cmd.signal !== undefined ? { signal: cmd.signal } : {}),
    ...(cmd.force ? { force: true } : {}),
    ...(cmd.concurrency !== undefined ? { concurrency: cmd.concurrency } : {}),
    ...(cmd.dependencyOrder ? {} : { dependencyOrder: false }),
  };
  const schedule = await scheduler.add({
    kind: cmd.kind,
    selection: {
      ...(cmd.select !== undefined ? { select: cmd.select } : {}),
      ...(cmd.ids.length > 0 ? { ids: cmd.ids } : {}),
    },
    timing: timingOf(cmd),
    windowMinutes: cmd.windowMinutes,
    options: Object.keys(options).length > 0 ? options : undefined,
    host: cmd.host,
  });

  if (cmd.json) {
    io.stdout.write(JSON.stringify(schedule) + '\n');
    return EXIT_OK;
  }
  const view = (await scheduler.list()).find((v) => v.schedule.id === schedule.id);
  io.stdout.write(
    `Scheduled ${schedule.id}: ${summarize(schedule)}` +
      (view?.nextDueMs !== undefined ? `; next ${formatLocal(view.nextDueMs)}` : '') +
      '\nIt runs while VS Code with Stevedore or "stevedore schedule run" is active.\n',
  );
  return EXIT_OK;
}

function timingOf(cmd: ScheduleAddCommand): ScheduleTiming {
  if (cmd.daily !== undefined) return { type: 'daily', time: cmd.daily };
  if (cmd.atMs !== undefined) return { type: 'once', atMs: cmd.atMs };
  throw new UsageError('schedule add needs exactly one of --at TIME and --daily HH:MM');
}

async function list(scheduler: Scheduler, json: boolean, io: CliIo): Promise<number> {
  const views = await scheduler.list();
  if (json) {
    io.stdout.write(JSON.stringify(views) + '\n');
    return EXIT_OK;
  }
  if (views.length === 0) {
    io.stdout.write('No schedules.\n');
    return EXIT_OK;
  }
  for (const view of views) io.stdout.write(describeView(view) + '\n');
  return EXIT_OK;
}

async function watch(scheduler: Scheduler, dir: string, io: CliIo): Promise<number> {
  io.stderr.write(`Running due schedules from ${dir}; Ctrl-C to stop\n`);
  // The scheduler's timers are unref'd, as the extension needs; this one keeps the CLI up.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    await scheduler.start(io.interrupt);
  } finally {
    clearInterval(keepAlive);
  }
  return EXIT_CANCELLED;
}

/** Plans the schedule against the containers there are now and runs it like the CLI would. */
async function runScheduled(
  schedule: Schedule,
  runHost: string | undefined,
  dir: string,
  io: CliIo,
): Promise<void> {
  io.stderr.write(`Schedule ${schedule.id.slice(0, 8)} is due: ${summarize(schedule)}\n`);
  const options = schedule.options ?? {};
  const cmd: OperationCommand = {
    command: 'operation',
    kind: schedule.kind,
    ids: [...(schedule.selection.ids ?? [])],
    select: schedule.selection.select,
    hosts: [schedule.host ?? runHost].filter((h): h is string => h !== undefined),
    contexts: [],
    skipUnreachable: false,
    concurrency: options.concurrency,
    graceSeconds: options.graceSeconds,
    signal: options.signal,
    force: options.force ?? false,
    failureThreshold: options.failureThreshold,
    keepGoing: false,
    dependencyOrder: options.dependencyOrder ?? true,
    dryRun: false,
    json: false,
    historyDir: dir,
  };

  const code = await runOperationCommand(cmd, io);
  if (code === EXIT_CANCELLED) throw new Error('Cancelled by Ctrl-C');
  if (code !== EXIT_OK) throw new Error('Some items failed or were not found');
}

function summarize(schedule: Schedule): string {
  const { select, ids } = schedule.selection;
  const what = [select !== undefined ? `--select "${select}"` : '', ...(ids ?? [])]
    .filter(Boolean)
    .join(' ');
  return `${schedule.kind} ${what}, ${describeTiming(schedule)}`;
}

function describeView(view: ScheduleView): string {
  const last = view.runs[0];
  const lastText = last
    ? `last ${last.outcome} ${formatLocal(last.dueMs)}` +
      (last.missedCount && last.missedCount > 1 ? ` (${last.missedCount} missed)` : '') +
      (last.message ? `: ${last.message}` : '')
    : 'never due yet';
  const next = view.nextDueMs !== undefined ? `next ${formatLocal(view.nextDueMs)}` : 'no next';
  return `${view.schedule.id.slice(0, 8)}  ${view.status.padEnd(9)} ${next}  ${lastText}\n` +
    `          ${summarize(view.schedule)}`;
}

/** `2026-05-01 02:00` in local time, as the user wrote it. */
function formatLocal(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
