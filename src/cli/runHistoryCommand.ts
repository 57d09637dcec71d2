import { HistoryStore } from '../engine/history/historyStore';
import type { HistoryCommand } from './cliArgs';
import { toCliResult } from './cliResult';
import { defaultHistoryDir } from './defaultHistoryDir';
import type { CliIo } from './runOperationCommand';
import { EXIT_OK } from './runOperationCommand';

/** Prints past operations, newest first: a table, or one JSON array with `--json`. */
export async function runHistoryCommand(cmd: HistoryCommand, io: CliIo): Promise<number> {
  const store = new HistoryStore(cmd.historyDir ?? defaultHistoryDir(io.env), { log: io.log });
  const { operations, warnings } = await store.load();
  for (const warning of warnings) io.stderr.write(`Warning: ${warning}\n`);

  const results = operations.map((record) => toCliResult(record));
  if (cmd.json) {
    io.stdout.write(JSON.stringify(results) + '\n');
    return EXIT_OK;
  }
  if (results.length === 0) {
    io.stdout.write('No operations yet.\n');
    return EXIT_OK;
  }
  for (const [i, r] of results.entries()) {
    const when = new Date(operations[i]?.createdMs ?? 0).toISOString();
    io.stdout.write(
      `${when}  ${r.id.slice(0, 8)}  ${r.kind.padEnd(7)} ${r.status.padEnd(11)} ` +
        `${r.total} items: ${r.succeeded} ok, ${r.skipped} skipped, ${r.failed} failed, ` +
        `${r.cancelled} cancelled\n`,
    );
  }
  return EXIT_OK;
}
