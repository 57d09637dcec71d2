import { defaultHistoryDir } from '../../cli/defaultHistoryDir';

/**
 * Where the extension keeps schedules: the CLI's default history folder
 * (`$XDG_STATE_HOME/stevedore`), so `stevedore schedule add` and every window share one
 * `schedules.jsonl`. Operation history stays in the extension's own storage.
 */
export function schedulesDir(env: NodeJS.ProcessEnv = process.env): string {
  return defaultHistoryDir(env);
}
