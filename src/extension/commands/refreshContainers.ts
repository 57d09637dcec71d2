import type { CommandDeps } from './commandDeps';

/** "Stevedore: Refresh Containers": lists the containers now, without waiting for events. */
export async function refreshContainers(deps: CommandDeps): Promise<void> {
  await deps.connection.session?.containers.refreshNow();
}
