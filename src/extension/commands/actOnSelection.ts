import * as vscode from 'vscode';

import type { OperationKind } from '../../engine/model/operation';
import type { OperationHandle } from '../../engine/operation/bulkEngine';
import { runOperation } from '../operations/runOperation';
import { describeSkipped, targetsFromSelection } from '../tree/targetsFromSelection';
import type { CommandDeps } from './commandDeps';

/**
 * Start, Stop, ... from the Containers view: acts on the clicked node, or on the whole
 * selection when the clicked node is part of it; a group acts on its shown containers.
 * Containers the action cannot apply to are left out, and said so in one message.
 */
export async function actOnSelection(
  deps: CommandDeps,
  kind: OperationKind,
  clicked?: unknown,
  selected?: unknown,
): Promise<OperationHandle | undefined> {
  const { targets, skipped } = targetsFromSelection(
    kind,
    clicked,
    selected,
    deps.view.treeView.selection,
  );

  if (targets.length === 0) {
    const why = skipped.size > 0 ? `: ${describeSkipped(skipped)}` : ': nothing is selected';
    void vscode.window.showInformationMessage(`Stevedore: nothing to ${kind}${why}.`);
    return undefined;
  }
  if (skipped.size > 0) {
    void vscode.window.showWarningMessage(
      `Stevedore: ${kind} ${targets.length} containers; skipped ${describeSkipped(skipped)}.`,
    );
  }

  const label = targets.length === 1
    ? targets[0]!.name
    : `${targets.length} selected in the Containers view`;
  return runOperation(deps, { kind, ids: targets.map((c) => c.id), label });
}
