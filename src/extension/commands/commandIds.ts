import type { OperationKind } from '../../engine/model/operation';

/** Tree commands, one per kind, as `package.json` declares them: `stevedore.stop`, ... */
export function treeCommandId(kind: OperationKind): string {
  return `stevedore.${kind}`;
}

/** Command Palette actions, one per kind: `stevedore.stopContainers`, ... */
export function paletteCommandId(kind: OperationKind): string {
  return `stevedore.${kind}Containers`;
}

/** Every other command id, as `package.json` declares them. */
export const COMMANDS = {
  actOnVisible: 'stevedore.actOnVisible',
  filter: 'stevedore.filter',
  clearFilter: 'stevedore.clearFilter',
  groupBy: 'stevedore.groupBy',
  refresh: 'stevedore.refresh',
  reconnect: 'stevedore.reconnect',
  openSettings: 'stevedore.openSettings',
  showOperations: 'stevedore.showOperations',
  cancelOperation: 'stevedore.cancelOperation',
  retryFailed: 'stevedore.retryFailed',
  rollBack: 'stevedore.rollBack',
  resume: 'stevedore.resume',
} as const;
