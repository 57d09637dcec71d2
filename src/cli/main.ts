#!/usr/bin/env node
import { EngineError } from '../engine/docker/engineErrors';
import { EndpointError } from '../engine/docker/resolveEndpoint';
import { SELECTOR_HELP } from '../engine/planner/selector/selectorHelp';
import type { Logger } from '../engine/util/logger';
import { parseCliArgs, USAGE, UsageError } from './cliArgs';
import { runHistoryCommand } from './runHistoryCommand';
import { EXIT_FAILED, EXIT_USAGE, runOperationCommand } from './runOperationCommand';
import { runScheduleCommand } from './runScheduleCommand';

/** Runs the CLI with the process's arguments and streams; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\nCancelling: requests already sent finish; Ctrl-C again to quit\n');
      interrupt.abort();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);

  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interrupt: interrupt.signal,
    log: stderrLogger(process.env.STEVEDORE_LOG_LEVEL),
  };
  try {
    const cmd = parseCliArgs(argv);
    if (cmd.command === 'help') {
      process.stdout.write(`${USAGE}\n\nSelectors (--select):\n${SELECTOR_HELP}\n`);
      return 0;
    }
    if (cmd.command === 'schedule') return await runScheduleCommand(cmd, io);
    return cmd.command === 'history'
      ? await runHistoryCommand(cmd, io)
      : await runOperationCommand(cmd, io);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`stevedore: ${error.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof EndpointError) {
      process.stderr.write(`stevedore: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof EngineError) {
      process.stderr.write(`stevedore: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** Logs at or above `level` (default warn) to stderr, one line each. */
function stderrLogger(level = 'warn'): Logger {
  const min = Math.max(0, LEVELS.indexOf(level as (typeof LEVELS)[number]));
  const at = (i: number) => (message: string): void => {
    if (i >= min) process.stderr.write(`[${LEVELS[i]}] ${message}\n`);
  };
  return { trace: at(0), debug: at(1), info: at(2), warn: at(3), error: at(4) };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`stevedore: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}
