import * as vscode from 'vscode';

import { OPERATION_KINDS, type OperationKind } from '../../engine/model/operation';
import type { OperationHandle } from '../../engine/operation/bulkEngine';
import { skipReason } from '../../engine/planner/plan/skipReason';
import { VERBS } from '../operations/confirmPlan';
import { runOperation } from '../operations/runOperation';
import type { CommandDeps } from './commandDeps';

interface KindItem extends vscode.QuickPickItem {
  readonly action: OperationKind;
}

/**
 * Acts on every container the view shows (all of them, or what the filter lets through).
 * VS Code's tree API cannot select many items from code (`reveal` selects one), so a
 * "select all visible" is offered as this: pick the action, see how many it applies to,
 * confirm. It acts on the containers shown now, by id, not on a selector evaluated later.
 */
export async function actOnVisible(
  deps: CommandDeps,
  rawKind?: unknown,
): Promise<OperationHandle | undefined> {
  const visible = deps.view.provider.visibleContainers();
  if (visible.length === 0) {
    void vscode.window.showInformationMessage('Stevedore: the Containers view shows nothing.');
    return undefined;
  }

  let kind = OPERATION_KINDS.find((k) => k === rawKind);
  if (kind === undefined) {
    const items: KindItem[] = OPERATION_KINDS.map((k) => {
      const applies = visible.filter((c) => skipReason(k, c.state, { force: k === 'remove' })
        === undefined).length;
      return { action: k, label: VERBS[k], description: `${applies} of ${visible.length}` };
    });
    const picked = await vscode.window.showQuickPick(items, {
      title: `Stevedore: act on the ${visible.length} containers shown`,
      placeHolder: 'Action (the counts say how many containers it applies to)',
    });
    if (picked === undefined) return undefined;
    kind = picked.action;
  }

  const filter = deps.view.provider.filter;
  const label = filter === undefined ? `all ${visible.length} shown` : `filter ${filter.text}`;
  return runOperation(deps, { kind, ids: visible.map((c) => c.id), label });
}
