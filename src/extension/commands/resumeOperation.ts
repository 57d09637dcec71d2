import * as vscode from 'vscode';

import type { OperationRecord } from '../../engine/model/operation';
import type { CommandDeps } from './commandDeps';
import { operationArg } from './operationArg';

/**
 * "Stevedore: Resume Interrupted Operation": runs what an operation left unfinished when
 * its window closed. Items that were in flight are checked before they are acted on.
 */
export async function resumeOperation(
  deps: CommandDeps,
  arg?: unknown,
): Promise<OperationRecord | undefined> {
  const record = await operationArg(
    deps, arg, (r) => r.status === 'interrupted',
    'Stevedore: Resume Interrupted Operation', 'no operation was interrupted.',
  );
  const engine = deps.connection.session?.engine;
  if (record === undefined || engine === undefined) return undefined;
  try {
    return await engine.resume(record.id);
  } catch (error) {
    void vscode.window.showErrorMessage(`Stevedore: ${(error as Error).message}`);
    return undefined;
  }
}
