import * as vscode from 'vscode';

import { isScheduleError } from '../../engine/schedule/scheduleError';
import type { Schedule } from '../../engine/schedule/scheduleTypes';
import { describeSchedule, describeView } from './describeSchedule';
import type { ScheduleRunner } from './scheduleRunner';

interface ScheduleItem extends vscode.QuickPickItem {
  readonly schedule: Schedule;
}

/**
 * "Stevedore: Remove a Schedule...": picks an active schedule and removes it, so none of
 * its later due times run (a run already started goes on). Given an id or a unique prefix
 * of one, it removes that schedule without asking. Resolves to the removed schedule.
 */
export async function removeSchedule(
  runner: ScheduleRunner,
  idArg?: unknown,
): Promise<Schedule | undefined> {
  if (typeof idArg === 'string' && idArg.trim() !== '') return cancel(runner, idArg.trim());

  const active = (await runner.scheduler.list()).filter((v) => v.status === 'active');
  if (active.length === 0) {
    void vscode.window.showInformationMessage('Stevedore: there is no active schedule.');
    return undefined;
  }
  const items: ScheduleItem[] = active.map((view) => ({
    label: describeSchedule(view.schedule),
    description: describeView(view),
    schedule: view.schedule,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Stevedore: Remove a Schedule',
    matchOnDescription: true,
  });
  if (picked === undefined) return undefined;
  return (await removeOne(runner, picked.schedule)) ? picked.schedule : undefined;
}

/** Asks, then removes `schedule`; true when it was removed. */
export async function removeOne(runner: ScheduleRunner, schedule: Schedule): Promise<boolean> {
  const remove = 'Remove Schedule';
  const choice = await vscode.window.showWarningMessage(
    `Remove the schedule "${describeSchedule(schedule)}"?`,
    { modal: true, detail: 'Its later due times will not run, here or in the CLI.' },
    remove,
  );
  if (choice !== remove) return false;
  return (await cancel(runner, schedule.id)) !== undefined;
}

async function cancel(runner: ScheduleRunner, id: string): Promise<Schedule | undefined> {
  try {
    const schedule = await runner.scheduler.cancel(id);
    runner.wake();
    return schedule;
  } catch (error) {
    const message = isScheduleError(error) ? error.message : String(error);
    void vscode.window.showErrorMessage(`Stevedore: ${message}`);
    return undefined;
  }
}
