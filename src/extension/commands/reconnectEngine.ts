import type { CommandDeps } from './commandDeps';

/** "Stevedore: Reconnect to Docker Engine": reads the settings again and lists anew. */
export async function reconnectEngine(deps: CommandDeps): Promise<void> {
  await deps.connection.connect();
}
