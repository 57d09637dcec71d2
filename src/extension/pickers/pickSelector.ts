import * as vscode from 'vscode';

import type { OperationKind } from '../../engine/model/operation';
import { isAbortError } from '../../engine/util/abort';
import { parseSelector } from '../../engine/planner/selector/parseSelector';
import { isSelectorSyntaxError } from '../../engine/planner/selector/selectorSyntaxError';
import type { RunDeps } from '../operations/runOperation';
import { optionsFor } from '../operations/runOperation';
import { planInWorker } from '../planning/planInWorker';
import { SELECTOR_HELP_URI } from './selectorHelpDocument';

const DEFAULT_PROMPT =
  'Terms separated by spaces, all must hold: status=running label=app=web !name=*-canary';
// Counting asks the planner worker; wait for a pause in typing before asking.
const COUNT_DELAY_MS = 150;

/**
 * Asks for a selector in an input box that checks it on every keystroke: a syntax error
 * shows with its column; a valid selector shows how many containers match and how many
 * the action would skip, counted by the planner worker on the current list.
 */
export function pickSelector(
  deps: RunDeps,
  kind: OperationKind,
  title: string,
): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = title;
  box.placeholder = 'label=app=web status=running';
  box.prompt = DEFAULT_PROMPT;
  box.ignoreFocusOut = true;
  const help: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('question'),
    tooltip: 'Selector syntax',
  };
  box.buttons = [help];

  let counting: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let valid = false;

  const count = async (text: string, signal: AbortSignal): Promise<void> => {
    const containers = deps.connection.session?.containers.containers ?? [];
    try {
      const plan = await planInWorker(deps.planner, containers, {
        kind,
        selector: text,
        options: optionsFor({ kind }, deps.settings.settings, false),
      }, signal);
      const matched = plan.targets.length + plan.skipped.length;
      box.prompt = `${matched} of ${containers.length} match: ${plan.targets.length} to ` +
        `${kind}, ${plan.skipped.length} skipped. Enter to continue.`;
    } catch (error) {
      if (!isAbortError(error)) box.prompt = `Cannot count: ${(error as Error).message}`;
    }
  };

  const check = (text: string): void => {
    counting?.abort();
    clearTimeout(timer);
    valid = false;
    if (text.trim() === '') {
      box.validationMessage = undefined;
      box.prompt = DEFAULT_PROMPT;
      return;
    }
    try {
      parseSelector(text);
    } catch (error) {
      if (!isSelectorSyntaxError(error)) throw error;
      box.validationMessage = error.message;
      return;
    }
    valid = true;
    box.validationMessage = undefined;
    box.prompt = 'Counting…';
    const controller = new AbortController();
    counting = controller;
    timer = setTimeout(() => void count(text, controller.signal), COUNT_DELAY_MS);
  };

  return new Promise((resolve) => {
    const subscriptions = [
      box.onDidChangeValue(check),
      box.onDidTriggerButton((button) => {
        if (button === help) void vscode.window.showTextDocument(SELECTOR_HELP_URI, {
          preview: true,
          viewColumn: vscode.ViewColumn.Beside,
          preserveFocus: true,
        });
      }),
      box.onDidAccept(() => {
        if (!valid) return;
        resolve(box.value);
        box.hide();
      }),
      box.onDidHide(() => {
        counting?.abort();
        clearTimeout(timer);
        resolve(undefined);
        for (const subscription of subscriptions) subscription.dispose();
        box.dispose();
      }),
    ];
    box.show();
  });
}
