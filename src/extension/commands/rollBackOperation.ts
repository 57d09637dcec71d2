import * as vscode from 'vscode';

import { FINAL_OPERATION_STATUSES, type OperationRecord } from '../../engine/model/operation';
import type { CommandDeps } from './commandDeps';
import { operationArg } from './operationArg';

/**
 * "Stevedore: Roll Back Operation": puts every container a finished operation changed back
 * in the state it had, after asking. Removals cannot be rolled back and are not offered.
 */
export async function rollBackOperation(
  deps: CommandDeps,
  arg?: unknown,
): Promise<OperationRecord | undefined> {
  const record = await operationArg(
    deps, arg,
    (r) => r.kind !== 'remove' && FINAL_OPERATION_STATUSES.has(r.status) &&
      r.items.some((i) => i.state === 'succeeded'),
    'Stevedore: Roll Back Operation', 'no finished operation can be rolled back.',
  );
  const engine = deps.connection.session?.engine;
  if (record === undefined || engine === undefined) return undefined;

  const changed = record.items.filter((i) => i.state === 'succeeded').length;
  const answer = await vscode.window.showWarningMessage(
    `Roll back the ${record.kind} of ${changed} containers?`,
    { modal: true, detail: 'Each container is put back in the state it had before.' },
    'Roll Back',
  );
  if (answer !== 'Roll Back') return undefined;
  try {
    return await engine.rollback(record.id);
  } catch (error) {
    void vscode.window.showErrorMessage(`Stevedore: ${(error as Error).message}`);
    return undefined;
  }
}
