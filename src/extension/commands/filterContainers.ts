import * as vscode from 'vscode';

import { parseSelector } from '../../engine/planner/selector/parseSelector';
import { isSelectorSyntaxError } from '../../engine/planner/selector/selectorSyntaxError';
import type { CommandDeps } from './commandDeps';

/**
 * "Stevedore: Filter Containers...": shows only the containers a selector matches. The
 * input box checks the text as it is typed and points at the column of a mistake. A
 * string argument is used as the selector without asking.
 */
export async function filterContainers(deps: CommandDeps, text?: unknown): Promise<boolean> {
  const provider = deps.view.provider;
  const value = typeof text === 'string' ? text : await vscode.window.showInputBox({
    title: 'Stevedore: Filter Containers',
    prompt: 'Selector, e.g. status=running project=shop !name=*-canary (empty clears)',
    value: provider.filter?.text ?? '',
    validateInput: (input) => {
      if (input.trim() === '') return undefined;
      try {
        parseSelector(input);
        return undefined;
      } catch (error) {
        if (isSelectorSyntaxError(error)) return error.message;
        throw error;
      }
    },
  });
  if (value === undefined) return false;

  if (value.trim() === '') {
    deps.view.setFilter(undefined);
    return true;
  }
  try {
    deps.view.setFilter({ text: value.trim(), selector: parseSelector(value) });
    return true;
  } catch (error) {
    if (!isSelectorSyntaxError(error)) throw error;
    void vscode.window.showErrorMessage(`Stevedore: the filter is not valid: ${error.message}`);
    return false;
  }
}
