import type { CommandDeps } from './commandDeps';

/** "Stevedore: Show Operations": opens the Operations panel, or brings it forward. */
export function showOperations(deps: CommandDeps): void {
  deps.panel.show();
}
