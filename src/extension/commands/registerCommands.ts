import * as vscode from 'vscode';

import { OPERATION_KINDS } from '../../engine/model/operation';
import { actFromPalette } from './actFromPalette';
import { actOnSelection } from './actOnSelection';
import { actOnVisible } from './actOnVisible';
import { cancelOperation } from './cancelOperation';
import { clearFilter } from './clearFilter';
import type { CommandDeps } from './commandDeps';
import { COMMANDS, paletteCommandId, treeCommandId } from './commandIds';
import { filterContainers } from './filterContainers';
import { groupContainersBy } from './groupContainersBy';
import { openStevedoreSettings } from './openStevedoreSettings';
import { reconnectEngine } from './reconnectEngine';
import { refreshContainers } from './refreshContainers';
import { resumeOperation } from './resumeOperation';
import { retryFailed } from './retryFailed';
import { rollBackOperation } from './rollBackOperation';
import { showOperations } from './showOperations';

/** Registers every command; dispose the result to unregister them all. */
export function registerCommands(deps: CommandDeps): vscode.Disposable {
  const register = (id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, handler);

  const disposables = [
    ...OPERATION_KINDS.flatMap((kind) => [
      register(treeCommandId(kind), (node, nodes) => actOnSelection(deps, kind, node, nodes)),
      register(paletteCommandId(kind), (args) => actFromPalette(deps, kind, args)),
    ]),
    register(COMMANDS.actOnVisible, (kind) => actOnVisible(deps, kind)),
    register(COMMANDS.filter, (text) => filterContainers(deps, text)),
    register(COMMANDS.clearFilter, () => clearFilter(deps)),
    register(COMMANDS.groupBy, (groupBy) => groupContainersBy(deps, groupBy)),
    register(COMMANDS.refresh, () => refreshContainers(deps)),
    register(COMMANDS.reconnect, () => reconnectEngine(deps)),
    register(COMMANDS.openSettings, () => openStevedoreSettings()),
    register(COMMANDS.showOperations, () => showOperations(deps)),
    register(COMMANDS.cancelOperation, (id) => cancelOperation(deps, id)),
    register(COMMANDS.retryFailed, (id) => retryFailed(deps, id)),
    register(COMMANDS.rollBack, (id) => rollBackOperation(deps, id)),
    register(COMMANDS.resume, (id) => resumeOperation(deps, id)),
  ];
  return vscode.Disposable.from(...disposables);
}
