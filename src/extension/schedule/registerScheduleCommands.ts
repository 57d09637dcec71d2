import * as vscode from 'vscode';

import type { RunDeps } from '../operations/runOperation';
import { removeSchedule } from './removeSchedule';
import { SCHEDULE_COMMANDS } from './scheduleCommandIds';
import { scheduleOperation } from './scheduleOperation';
import type { ScheduleRunner } from './scheduleRunner';
import { showSchedules } from './showSchedules';

/** Registers the schedule commands; dispose the result to unregister them. */
export function registerScheduleCommands(deps: RunDeps, runner: ScheduleRunner): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(SCHEDULE_COMMANDS.schedule,
      (args: unknown) => scheduleOperation(deps, runner, args)),
    vscode.commands.registerCommand(SCHEDULE_COMMANDS.show, () => showSchedules(runner)),
    vscode.commands.registerCommand(SCHEDULE_COMMANDS.remove,
      (id: unknown) => removeSchedule(runner, id)),
  );
}
