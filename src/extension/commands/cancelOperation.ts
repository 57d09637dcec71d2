import * as vscode from 'vscode';

import { FINAL_OPERATION_STATUSES } from '../../engine/model/operation';
import type { CommandDeps } from './commandDeps';
import { operationArg } from './operationArg';

/**
 * "Stevedore: Cancel Operation": stops dispatching the given (or picked) running
 * operation; requests already sent finish and report what the engine did.
 */
export async function cancelOperation(deps: CommandDeps, arg?: unknown): Promise<boolean> {
  const record = await operationArg(
    deps, arg, (r) => !FINAL_OPERATION_STATUSES.has(r.status),
    'Stevedore: Cancel Operation', 'no operation is running.',
  );
  if (record === undefined) return false;
  try {
    deps.connection.session?.engine.cancel(record.id);
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(`Stevedore: ${(error as Error).message}`);
    return false;
  }
}
