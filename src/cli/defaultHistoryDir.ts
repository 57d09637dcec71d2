import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the CLI keeps history unless told: `$XDG_STATE_HOME/stevedore`, as tools do. */
export function defaultHistoryDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'stevedore');
}
