import * as vscode from 'vscode';

import type { ScheduleView } from '../../engine/schedule/scheduleTypes';
import { describeSchedule, describeView } from './describeSchedule';
import { removeOne } from './removeSchedule';
import type { ScheduleRunner } from './scheduleRunner';

interface ScheduleItem extends vscode.QuickPickItem {
  readonly view?: ScheduleView;
}

// Finished and removed schedules stay in the file forever; the list shows the newest few.
const PAST_SHOWN = 20;

const REMOVE_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('trash'),
  tooltip: 'Remove this schedule',
};

/**
 * "Stevedore: Show Schedules": every active schedule with its next run and last outcome,
 * then the latest finished and removed ones. The trash button, or Enter on an active
 * schedule, removes it (after asking).
 */
export async function showSchedules(runner: ScheduleRunner): Promise<void> {
  const pick = vscode.window.createQuickPick<ScheduleItem>();
  pick.title = 'Stevedore: Schedules';
  pick.placeholder = 'Enter or the trash button removes a schedule';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  // The question before a removal takes the focus; the list stays for the next one.
  pick.ignoreFocusOut = true;
  let closed = false;

  const load = async (): Promise<void> => {
    pick.busy = true;
    let items: ScheduleItem[];
    try {
      items = toItems(await runner.scheduler.list());
    } catch (error) {
      items = [{ label: `Cannot read ${runner.dir}: ${String(error)}` }];
    }
    if (closed) return;
    pick.items = items;
    pick.busy = false;
  };

  const remove = async (item: ScheduleItem): Promise<void> => {
    if (item.view?.status !== 'active') return;
    if (await removeOne(runner, item.view.schedule)) await load();
  };

  await new Promise<void>((resolve) => {
    const subscriptions = [
      pick.onDidTriggerItemButton((event) => void remove(event.item)),
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0];
        if (item !== undefined) void remove(item);
      }),
      pick.onDidHide(() => {
        closed = true;
        for (const subscription of subscriptions) subscription.dispose();
        pick.dispose();
        resolve();
      }),
    ];
    pick.show();
    void load();
  });
}

function toItems(views: readonly ScheduleView[]): ScheduleItem[] {
  const active = views.filter((v) => v.status === 'active')
    .sort((a, b) => (a.nextDueMs ?? 0) - (b.nextDueMs ?? 0));
  const past = views.filter((v) => v.status !== 'active').reverse().slice(0, PAST_SHOWN);
  if (active.length === 0 && past.length === 0) {
    return [{ label: 'No schedules. Add one with "Stevedore: Schedule an Operation..."' }];
  }

  const item = (view: ScheduleView): ScheduleItem => ({
    label: `${view.status === 'active' ? '$(clock)' : '$(circle-slash)'} ` +
      describeSchedule(view.schedule),
    description: describeView(view),
    detail: `${view.schedule.id}${view.schedule.host ? ` · ${view.schedule.host}` : ''}`,
    ...(view.status === 'active' ? { buttons: [REMOVE_BUTTON] } : {}),
    view,
  });
  return [
    ...active.map(item),
    ...(past.length === 0 ? [] : [
      { label: 'Finished and removed', kind: vscode.QuickPickItemKind.Separator },
      ...past.map(item),
    ]),
  ];
}
