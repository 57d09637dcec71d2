import * as vscode from 'vscode';

import type { ContainerSummary } from '../../engine/model/container';
import type { OperationKind } from '../../engine/model/operation';
import { skipReason } from '../../engine/planner/plan/skipReason';

interface ContainerItem extends vscode.QuickPickItem {
  readonly container: ContainerSummary;
}

/**
 * A filterable multi-select list of the containers `kind` applies to (others would only
 * be skipped), by name with image and status. Resolves to the chosen ones, or undefined.
 */
export async function pickContainers(
  containers: readonly ContainerSummary[],
  kind: OperationKind,
  title: string,
): Promise<ContainerSummary[] | undefined> {
  const items: ContainerItem[] = containers
    .filter((c) => skipReason(kind, c.state, { force: kind === 'remove' }) === undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => ({ label: c.name, description: `${c.image} · ${c.status}`, container: c }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Stevedore: there is no container to ${kind} now.`);
    return undefined;
  }

  const picked = await vscode.window.showQuickPick(items, {
    title,
    canPickMany: true,
    matchOnDescription: true,
    placeHolder: `Type to filter ${items.length} containers; Space to select`,
    ignoreFocusOut: true,
  });
  return picked === undefined || picked.length === 0 ? undefined : picked.map((i) => i.container);
}
