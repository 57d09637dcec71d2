import * as vscode from 'vscode';

import { OPERATION_KINDS, type OperationKind } from '../../engine/model/operation';
import { parseSelector } from '../../engine/planner/selector/parseSelector';
import { isSelectorSyntaxError } from '../../engine/planner/selector/selectorSyntaxError';
import { isScheduleError } from '../../engine/schedule/scheduleError';
import {
  parseTimingText,
  TIMING_SYNTAX,
  type TimingText,
} from '../../engine/schedule/parseTimingText';
import type { Schedule, ScheduleSelection } from '../../engine/schedule/scheduleTypes';
import { DEFAULT_WINDOW_MINUTES } from '../../engine/schedule/scheduleTypes';
import { describeTiming } from '../../engine/schedule/describeTiming';
import { VERBS } from '../operations/confirmPlan';
import type { RunDeps } from '../operations/runOperation';
import { pickContainers } from '../pickers/pickContainers';
import { pickSelector } from '../pickers/pickSelector';
import { describeSchedule, formatLocal } from './describeSchedule';
import { SCHEDULE_COMMANDS } from './scheduleCommandIds';
import type { ScheduleRunner } from './scheduleRunner';

/**
 * Optional arguments, for automation and keybindings: with a kind, a selector or ids and a
 * time the command asks nothing (a remove is scheduled without force unless `force`).
 */
export interface ScheduleArgs {
  readonly kind: OperationKind;
  readonly selector?: string;
  readonly ids?: readonly string[];
  /** The timing text, as typed in the command: `daily 02:00`, `in 10m within 5 min`. */
  readonly when: string;
  readonly force?: boolean;
}

interface KindItem extends vscode.QuickPickItem {
  readonly action: OperationKind;
}

interface ModeItem extends vscode.QuickPickItem {
  readonly mode: 'selector' | 'list';
}

/**
 * "Stevedore: Schedule an Operation...": picks the action, the containers (by a selector,
 * kept as typed so it is matched again when due, or from a list, kept as ids) and the time,
 * then stores the schedule where the CLI keeps its own. Resolves to it, or undefined.
 */
export async function scheduleOperation(
  deps: RunDeps,
  runner: ScheduleRunner,
  rawArgs?: unknown,
): Promise<Schedule | undefined> {
  const args = readArgs(rawArgs);
  if (args === 'invalid') return undefined;
  if (args !== undefined) {
    const timing = tryTiming(args.when);
    if (timing === undefined) return undefined;
    const selection = {
      ...(args.selector === undefined ? {} : { select: args.selector }),
      ...(args.ids === undefined ? {} : { ids: args.ids }),
    };
    return add(deps, runner, args.kind, selection, timing, args.force ?? false);
  }

  const kind = await pickKind();
  if (kind === undefined) return undefined;
  const title = `Stevedore: Schedule ${VERBS[kind]}`;
  const selection = await pickSelection(deps, kind, title);
  if (selection === undefined) return undefined;
  const timing = await pickTiming(title);
  if (timing === undefined) return undefined;

  let force = false;
  if (kind === 'remove') {
    const answer = await confirmRemove(selection, timing);
    if (answer === undefined) return undefined;
    force = answer === 'force';
  }
  return add(deps, runner, kind, selection, timing, force);
}

async function add(
  deps: RunDeps,
  runner: ScheduleRunner,
  kind: OperationKind,
  selection: ScheduleSelection,
  timing: TimingText,
  force: boolean,
): Promise<Schedule | undefined> {
  const host = deps.connection.session?.location.endpoint.label;
  let schedule: Schedule;
  try {
    schedule = await runner.scheduler.add({
      kind,
      selection,
      timing: timing.timing,
      ...(timing.windowMinutes === undefined ? {} : { windowMinutes: timing.windowMinutes }),
      ...(force ? { options: { force: true } } : {}),
      // Pinned to this window's engine, so the CLI or another window runs it there too.
      ...(host === undefined ? {} : { host }),
    });
  } catch (error) {
    const message = isScheduleError(error) ? error.message : `cannot store it: ${String(error)}`;
    void vscode.window.showErrorMessage(`Stevedore: ${message}`);
    return undefined;
  }
  runner.wake();

  const next = (await runner.scheduler.list()).find((v) => v.schedule.id === schedule.id);
  const when = next?.nextDueMs === undefined ? '' : `; next run ${formatLocal(next.nextDueMs)}`;
  const show = 'Show Schedules';
  void vscode.window.showInformationMessage(
    `Stevedore: scheduled ${describeSchedule(schedule)}${when}. It runs while a VS Code ` +
      'window with Stevedore or "stevedore schedule run" is open.',
    show,
  ).then((choice) => {
    if (choice === show) void vscode.commands.executeCommand(SCHEDULE_COMMANDS.show);
  });
  return schedule;
}

async function pickKind(): Promise<OperationKind | undefined> {
  const items: KindItem[] = OPERATION_KINDS.map((action) => ({ action, label: VERBS[action] }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Stevedore: Schedule an Operation',
    placeHolder: 'The action to run later',
  });
  return picked?.action;
}

async function pickSelection(
  deps: RunDeps,
  kind: OperationKind,
  title: string,
): Promise<ScheduleSelection | undefined> {
  const mode = await vscode.window.showQuickPick<ModeItem>([
    { mode: 'selector', label: '$(filter) By selector…',
      detail: 'Matched again when due: containers created meanwhile are included' },
    { mode: 'list', label: '$(checklist) Choose from a list…',
      detail: 'These containers only, by id' },
  ], { title, placeHolder: `How to choose the containers to ${kind}` });
  if (mode === undefined) return undefined;

  if (mode.mode === 'selector') {
    deps.connection.session?.containers.refresh();
    const select = await pickSelector(deps, kind, `${title}: selector`);
    return select === undefined ? undefined : { select };
  }

  const listed = await deps.connection.session?.containers.refreshNow();
  const containers = listed?.ok ? listed.containers : [];
  const picked = await pickContainers(containers, kind, `${title}: choose`);
  return picked === undefined ? undefined : { ids: picked.map((c) => c.id) };
}

/** An input box that reads the time as it is typed and shows when the run would be. */
function pickTiming(title: string): Promise<TimingText | undefined> {
  const box = vscode.window.createInputBox();
  box.title = `${title}: when`;
  box.placeholder = 'daily 02:00';
  box.prompt = TIMING_SYNTAX;
  box.ignoreFocusOut = true;
  let current: TimingText | undefined;

  const check = (text: string): void => {
    current = undefined;
    if (text.trim() === '') {
      box.validationMessage = undefined;
      box.prompt = TIMING_SYNTAX;
      return;
    }
    try {
      current = parseTimingText(text, Date.now());
    } catch (error) {
      if (!isScheduleError(error)) throw error;
      box.validationMessage = error.message;
      return;
    }
    box.validationMessage = undefined;
    const window = current.windowMinutes ?? DEFAULT_WINDOW_MINUTES;
    box.prompt = describeTiming({
      id: '', kind: 'stop', selection: {}, timing: current.timing, windowMinutes: window,
      createdMs: Date.now(),
    }) + '. Enter to schedule.';
  };

  return new Promise((resolve) => {
    const subscriptions = [
      box.onDidChangeValue(check),
      box.onDidAccept(() => {
        if (current === undefined) return;
        resolve(current);
        box.hide();
      }),
      box.onDidHide(() => {
        resolve(undefined);
        for (const subscription of subscriptions) subscription.dispose();
        box.dispose();
      }),
    ];
    box.show();
  });
}

async function confirmRemove(
  selection: ScheduleSelection,
  timing: TimingText,
): Promise<'run' | 'force' | undefined> {
  const what = selection.select ?? `${selection.ids?.length ?? 0} containers`;
  const when = timing.timing.type === 'daily' ? `every day at ${timing.timing.time}`
    : `at ${formatLocal(timing.timing.atMs)}`;
  const plain = 'Schedule Remove';
  const forced = 'Schedule, Remove Running Too';
  const choice = await vscode.window.showWarningMessage(
    `Remove the containers matching ${what} ${when}?`,
    {
      modal: true,
      detail: 'Nobody is asked again when it runs. Running containers are skipped unless ' +
        'you choose to remove them too. A removal cannot be rolled back.',
    },
    plain,
    forced,
  );
  return choice === plain ? 'run' : choice === forced ? 'force' : undefined;
}

function tryTiming(text: string): TimingText | undefined {
  try {
    return parseTimingText(text, Date.now());
  } catch (error) {
    if (!isScheduleError(error)) throw error;
    void vscode.window.showErrorMessage(`Stevedore: ${error.message}`);
    return undefined;
  }
}

// Arguments may come from a keybinding or another extension: take only what is well-formed,
// and a selector only when it parses, so a typo fails now rather than when nobody watches.
// No object means the user runs the command: ask. A malformed one is refused with a message.
function readArgs(raw: unknown): ScheduleArgs | 'invalid' | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (!OPERATION_KINDS.includes(r.kind as OperationKind) || typeof r.when !== 'string') {
    void vscode.window.showErrorMessage(
      'Stevedore: schedule arguments need a kind (start, stop, ...) and a time in "when".');
    return 'invalid';
  }
  const ids = Array.isArray(r.ids) && r.ids.length > 0 &&
    r.ids.every((id) => typeof id === 'string') ? (r.ids as string[]) : undefined;
  const selector = typeof r.selector === 'string' && r.selector.trim() !== ''
    ? r.selector : undefined;
  if (ids === undefined && selector === undefined) {
    void vscode.window.showErrorMessage('Stevedore: a schedule needs a selector or ids.');
    return 'invalid';
  }
  if (selector !== undefined) {
    try {
      parseSelector(selector);
    } catch (error) {
      if (!isSelectorSyntaxError(error)) throw error;
      void vscode.window.showErrorMessage(`Stevedore: the selector is not valid: ${error.message}`);
      return 'invalid';
    }
  }
  return {
    kind: r.kind as OperationKind,
    when: r.when,
    ...(selector === undefined ? {} : { selector }),
    ...(ids === undefined ? {} : { ids }),
    ...(typeof r.force === 'boolean' ? { force: r.force } : {}),
  };
}
