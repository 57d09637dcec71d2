import type { CommandDeps } from './commandDeps';

/** "Stevedore: Clear Filter": shows every container again. */
export function clearFilter(deps: CommandDeps): void {
  deps.view.setFilter(undefined);
}
