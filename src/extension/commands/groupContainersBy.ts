import * as vscode from 'vscode';

import {
  GROUP_BY_VALUES,
  type GroupBy,
  SETTINGS_SECTION,
} from '../settings/stevedoreSettings';
import type { CommandDeps } from './commandDeps';

const LABELS: Readonly<Record<GroupBy, string>> = {
  project: 'Compose project',
  state: 'State',
  image: 'Image',
  host: 'Engine host',
};

/**
 * The view's "Group By" title button: picks a grouping (or takes one as an argument) and
 * stores it in the setting `stevedore.groupBy`, where the user set it before (workspace or
 * user settings), so the choice lasts.
 */
export async function groupContainersBy(deps: CommandDeps, arg?: unknown): Promise<void> {
  const current = deps.view.provider.groupBy;
  let groupBy = GROUP_BY_VALUES.find((g) => g === arg);
  if (groupBy === undefined) {
    const picked = await vscode.window.showQuickPick(
      GROUP_BY_VALUES.map((g) => ({
        label: LABELS[g],
        description: g === current ? '(current)' : undefined,
        value: g,
      })),
      { title: 'Stevedore: Group Containers By' },
    );
    if (picked === undefined) return;
    groupBy = picked.value;
  }

  deps.view.provider.setGroupBy(groupBy);
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const inspected = config.inspect('groupBy');
  const target = inspected?.workspaceValue !== undefined
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update('groupBy', groupBy, target);
}
