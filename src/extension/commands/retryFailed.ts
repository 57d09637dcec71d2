import * as vscode from 'vscode';

import { FINAL_OPERATION_STATUSES, type OperationRecord } from '../../engine/model/operation';
import type { CommandDeps } from './commandDeps';
import { operationArg } from './operationArg';

/**
 * "Stevedore: Retry Failed Items": runs the failed items of a finished operation again.
 * Resolves to the operation's record when the retry ends (its progress shows meanwhile).
 */
export async function retryFailed(
  deps: CommandDeps,
  arg?: unknown,
): Promise<OperationRecord | undefined> {
  const record = await operationArg(
    deps, arg,
    (r) => FINAL_OPERATION_STATUSES.has(r.status) && r.items.some((i) => i.state === 'failed'),
    'Stevedore: Retry Failed Items', 'no finished operation has failed items.',
  );
  const engine = deps.connection.session?.engine;
  if (record === undefined || engine === undefined) return undefined;
  try {
    return await engine.retry(record.id);
  } catch (error) {
    void vscode.window.showErrorMessage(`Stevedore: ${(error as Error).message}`);
    return undefined;
  }
}
