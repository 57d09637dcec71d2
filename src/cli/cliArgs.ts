import { parseArgs } from 'node:util';

import type { OperationKind } from '../engine/model/operation';
import { OPERATION_KINDS } from '../engine/model/operation';

/** Bad command-line usage; the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A bulk operation asked for on the command line. */
export interface OperationCommand {
  readonly command: 'operation';
  readonly kind: OperationKind;
  readonly ids: string[];
  readonly select?: string;
  readonly host?: string;
  /** A fixed number of requests in flight; undefined lets the engine decide ("auto"). */
  readonly concurrency?: number;
  readonly graceSeconds?: number;
  readonly signal?: string;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly historyDir?: string;
}

/** `stevedore history`. */
export interface HistoryCommand {
  readonly command: 'history';
  readonly json: boolean;
  readonly historyDir?: string;
}

export type CliCommand = OperationCommand | HistoryCommand | { readonly command: 'help' };

export const USAGE = `Usage:
  stevedore <start|stop|restart|kill|pause|unpause|remove> [ID|NAME ...] [options]
  stevedore history [--json] [--history DIR]

Options:
  --select EXPR         choose containers with a selector, e.g. "label=app=web status=running"
  --host URL            engine address (unix:///path, tcp://host:port); default DOCKER_HOST
  --concurrency N|auto  requests in flight (default auto)
  --timeout S           grace period in seconds for stop and restart (default 10)
  --signal NAME         signal for kill (default SIGKILL)
  --force               remove running containers too
  --dry-run             show the plan, change nothing
  --json                print one JSON object at the end instead of a progress bar
  --history DIR         where operation history is kept
  -h, --help            this text

Exit codes: 0 nothing failed, 1 some items failed, 2 bad usage, 130 cancelled by Ctrl-C.`;

/** Parses the CLI's arguments; throws UsageError with what was wrong. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        select: { type: 'string' },
        host: { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        signal: { type: 'string' },
        force: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        history: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined || verb === 'help') {
    return { command: 'help' };
  }
  if (verb === 'history') {
    if (rest.length > 0) throw new UsageError(`history takes no arguments, got "${rest[0]}"`);
    return { command: 'history', json: values.json, historyDir: values.history };
  }
  if (!OPERATION_KINDS.includes(verb as OperationKind)) {
    throw new UsageError(
      `Expected a command (${OPERATION_KINDS.join(', ')}, history), got "${verb}"`,
    );
  }
  if (rest.length === 0 && values.select === undefined) {
    throw new UsageError(`${verb} needs container ids or names, or --select EXPR`);
  }

  return {
    command: 'operation',
    kind: verb as OperationKind,
    ids: rest,
    select: values.select,
    host: values.host,
    concurrency: parseConcurrency(values.concurrency),
    graceSeconds: parseSeconds(values.timeout),
    signal: values.signal,
    force: values.force,
    dryRun: values['dry-run'],
    json: values.json,
    historyDir: values.history,
  };
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new UsageError(
      `Expected --concurrency to be auto or a whole number 1-256, got "${value}"`,
    );
  }
  return n;
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 3600) {
    throw new UsageError(`Expected --timeout to be whole seconds 0-3600, got "${value}"`);
  }
  return n;
}
