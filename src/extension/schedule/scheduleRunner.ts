import { type FSWatcher, mkdirSync, watch } from 'node:fs';

import * as vscode from 'vscode';

import { describeTiming } from '../../engine/schedule/describeTiming';
import { Scheduler } from '../../engine/schedule/scheduler';
import { SCHEDULES_FILE } from '../../engine/schedule/scheduleStore';
import type { Schedule, ScheduleRun } from '../../engine/schedule/scheduleTypes';
import type { RunDeps } from '../operations/runOperation';
import { describeSelection, formatLocal } from './describeSchedule';
import { runScheduledOperation } from './runScheduledOperation';
import { runsHere } from './runsHere';
import { SCHEDULE_COMMANDS } from './scheduleCommandIds';

// Missed due times found in one pass are told in one message, not one each.
const MISSED_GATHER_MS = 500;
// A burst of appends (a claim, then a result) is read once.
const CHANGE_GATHER_MS = 200;

/**
 * Runs scheduled operations while this window is open, from the same `schedules.jsonl`
 * the CLI uses, so `stevedore schedule add` and this window see the same schedules. Due
 * times are claimed in that file, so of several windows (and `stevedore schedule run`)
 * only one runs each. Wakes for its own changes, for the file's, and when the engine
 * connection changes; otherwise at the next due time or each minute.
 */
export class ScheduleRunner implements vscode.Disposable {
  readonly scheduler: Scheduler;
  private readonly stopping = new AbortController();
  private readonly subscriptions: vscode.Disposable[] = [];
  private watcher: FSWatcher | undefined;
  private running: Promise<void> | undefined;
  private missed: { schedule: Schedule; run: ScheduleRun }[] = [];
  private missedTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RunDeps, readonly dir: string) {
    this.scheduler = new Scheduler({
      dir,
      log: deps.log,
      runDue: (schedule) => runScheduledOperation(deps, schedule, this.stopping.signal),
      accepts: (schedule) => runsHere(deps.connection, schedule),
      onMissed: (schedule, run) => this.noteMissed(schedule, run),
    });
  }

  /** Starts watching; the first pass runs at once and again once the engine answers. */
  start(): void {
    if (this.running !== undefined) return;
    this.subscriptions.push(
      this.deps.connection.onDidChangeSession(() => this.scheduler.wake()),
      this.deps.connection.onDidChangeState(() => this.scheduler.wake()),
    );
    this.watchFile();
    this.running = this.scheduler.start(this.stopping.signal).catch((error: unknown) => {
      this.deps.log.error(`[schedule] the scheduler stopped: ${String(error)}`);
    });
  }

  /** Looks at the schedules now, after this window added or removed one. */
  wake(): void {
    this.scheduler.wake();
  }

  /** Stops watching. A scheduled operation already submitted goes on with the engine. */
  dispose(): void {
    this.stopping.abort();
    this.watcher?.close();
    clearTimeout(this.missedTimer);
    clearTimeout(this.changeTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  // Another window or the CLI may add a schedule due in a minute: a change of the file
  // wakes the scheduler rather than waiting for its next poll.
  private watchFile(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      this.watcher = watch(this.dir, { persistent: false }, (_event, name) => {
        if (name !== null && name !== SCHEDULES_FILE) return;
        clearTimeout(this.changeTimer);
        this.changeTimer = setTimeout(() => this.scheduler.wake(), CHANGE_GATHER_MS);
      });
      this.watcher.on('error', (error) => {
        this.deps.log.warn(`[schedule] stopped watching ${this.dir}: ${String(error)}`);
      });
    } catch (error) {
      // The scheduler still reads the file every minute.
      this.deps.log.warn(`[schedule] cannot watch ${this.dir}: ${String(error)}`);
    }
  }

  private noteMissed(schedule: Schedule, run: ScheduleRun): void {
    this.missed.push({ schedule, run });
    clearTimeout(this.missedTimer);
    this.missedTimer = setTimeout(() => this.tellMissed(), MISSED_GATHER_MS);
  }

  // Only the runner that claimed a missed time in the file hears of it, so the user is
  // told once, in one window, not once per window.
  private tellMissed(): void {
    const missed = this.missed.splice(0);
    if (missed.length === 0) return;

    const lines = missed.map(({ schedule, run }) => {
      const times = (run.missedCount ?? 1) === 1 ? 'once' : `${run.missedCount} times`;
      return `${schedule.kind} ${describeSelection(schedule)} (${describeTiming(schedule)}) ` +
        `missed ${times}, last due ${formatLocal(run.dueMs)}`;
    });
    const noun = missed.length === 1 ? 'A scheduled operation' :
      `${missed.length} scheduled operations`;
    const show = 'Show Schedules';
    void vscode.window.showWarningMessage(
      `Stevedore: ${noun} did not run because no VS Code window with Stevedore or ` +
        `"stevedore schedule run" was open in its window; missed times are not run late. ` +
        lines.join('; '),
      show,
    ).then((choice) => {
      if (choice === show) void vscode.commands.executeCommand(SCHEDULE_COMMANDS.show);
    });
  }
}
