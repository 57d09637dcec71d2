import { parseArgs } from 'node:util';

import type { OperationKind } from '../engine/model/operation';
import { OPERATION_KINDS } from '../engine/model/operation';
import { parseIsoTime } from '../engine/planner/selector/parseIsoTime';
import { parseDailyTime } from '../engine/schedule/dailyTime';
import { MAX_WINDOW_MINUTES } from '../engine/schedule/scheduleTypes';

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
  /** Engine addresses from `--host`, in order; with `contexts` empty too, the default engine. */
  readonly hosts: readonly string[];
  /** docker CLI context names from `--context`, in order. */
  readonly contexts: readonly string[];
  /** Run on the engines that answer when some cannot be listed, instead of stopping. */
  readonly skipUnreachable: boolean;
  /** How long items wait for an engine that stopped answering; undefined for the default. */
  readonly maxOutageSeconds?: number;
  /** A fixed number of requests in flight; undefined lets the engine decide ("auto"). */
  readonly concurrency?: number;
  readonly graceSeconds?: number;
  readonly signal?: string;
  readonly force: boolean;
  /** Fraction of failures (0-1) at which the operation stops; undefined for the default. */
  readonly failureThreshold?: number;
  /** Never stop for failures: the failure guard is off. */
  readonly keepGoing: boolean;
  /** False: `--no-order`, every target at once whatever compose `depends_on` says. */
  readonly dependencyOrder: boolean;
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

/** `stevedore schedule add`: an operation to run once at a time, or daily. */
export interface ScheduleAddCommand {
  readonly command: 'schedule';
  readonly action: 'add';
  readonly kind: OperationKind;
  readonly ids: string[];
  readonly select?: string;
  /** Epoch milliseconds; exactly one of `atMs` and `daily` is set. */
  readonly atMs?: number;
  /** `HH:MM`, local time. */
  readonly daily?: string;
  readonly windowMinutes?: number;
  readonly host?: string;
  readonly concurrency?: number;
  readonly graceSeconds?: number;
  readonly signal?: string;
  readonly force: boolean;
  readonly dependencyOrder: boolean;
  readonly json: boolean;
  readonly historyDir?: string;
}

/** `stevedore schedule list|cancel|run`. */
export type ScheduleCommand =
  | ScheduleAddCommand
  | {
      readonly command: 'schedule';
      readonly action: 'list';
      readonly json: boolean;
      readonly historyDir?: string;
    }
  | {
      readonly command: 'schedule';
      readonly action: 'cancel';
      readonly id: string;
      readonly historyDir?: string;
    }
  | {
      readonly command: 'schedule';
      readonly action: 'run';
      readonly host?: string;
      readonly historyDir?: string;
    };

export type CliCommand =
  | OperationCommand
  | HistoryCommand
  | ScheduleCommand
  | { readonly command: 'help' };

export const USAGE = `Usage:
  stevedore <start|stop|restart|kill|pause|unpause|remove> [ID|NAME ...] [options]
  stevedore history [--json] [--history DIR]
  stevedore schedule add <kind> [ID|NAME ...] [--select EXPR] (--at TIME | --daily HH:MM)
                     [--window MIN] [options]
  stevedore schedule list [--json]
  stevedore schedule cancel ID
  stevedore schedule run            run due schedules until Ctrl-C

Options:
  --select EXPR         choose containers with a selector, e.g. "label=app=web status=running"
  --host URL            engine address (unix:///path, tcp://host:port); repeat for several
  --context NAME        a docker CLI context (from $DOCKER_CONFIG or ~/.docker); repeatable
                        and combines with --host. Neither: DOCKER_HOST, else the current
                        context, else /var/run/docker.sock
  --skip-unreachable    with several engines, run on those that answer and skip the others
                        (default: stop before changing anything, naming each one that failed)
  --max-outage S        seconds items wait for an engine that stopped answering before they
                        fail (default 120)
  --concurrency N|auto  requests in flight (default auto)
  --timeout S           grace period in seconds for stop and restart (default 10)
  --signal NAME         signal for kill (default SIGKILL)
  --force               remove running containers too
  --failure-threshold F stop when more than this fraction fails (default 0.05); each engine
                        is counted on its own, and one that trips it stops the operation
  --keep-going          never stop for failures
  --no-order            ignore compose depends_on and act on every container at once
                        (default: dependencies first for start, restart and unpause,
                        dependents first for the rest, each compose project on its own)
  --dry-run             show the plan, change nothing
  --json                print one JSON object at the end instead of a progress bar
  --history DIR         where operation history (and schedules) are kept
  --at TIME             schedule once, ISO date-time; local time unless it names a zone
  --daily HH:MM         schedule every day at this local time
  --window MIN          minutes after the due time it may still start (default 15)
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
        host: { type: 'string', multiple: true },
        context: { type: 'string', multiple: true },
        'skip-unreachable': { type: 'boolean', default: false },
        'max-outage': { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        signal: { type: 'string' },
        force: { type: 'boolean', default: false },
        'failure-threshold': { type: 'string' },
        'keep-going': { type: 'boolean', default: false },
        'no-order': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        history: { type: 'string' },
        at: { type: 'string' },
        daily: { type: 'string' },
        window: { type: 'string' },
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
  if (verb === 'schedule') {
    return parseScheduleArgs(rest, values);
  }
  if (values.at !== undefined || values.daily !== undefined || values.window !== undefined) {
    // Ignoring them would run at once what the user meant for later.
    throw new UsageError('--at, --daily and --window belong to "schedule add"');
  }
  if (verb === 'history') {
    if (rest.length > 0) throw new UsageError(`history takes no arguments, got "${rest[0]}"`);
    return { command: 'history', json: values.json, historyDir: values.history };
  }
  if (!OPERATION_KINDS.includes(verb as OperationKind)) {
    throw new UsageError(
      `Expected a command (${OPERATION_KINDS.join(', ')}, history, schedule), got "${verb}"`,
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
    hosts: nonEmpty('--host', values.host),
    contexts: nonEmpty('--context', values.context),
    skipUnreachable: values['skip-unreachable'],
    maxOutageSeconds: parseMaxOutage(values['max-outage']),
    concurrency: parseConcurrency(values.concurrency),
    graceSeconds: parseSeconds(values.timeout),
    signal: values.signal,
    force: values.force,
    failureThreshold: parseFraction(values['failure-threshold']),
    keepGoing: values['keep-going'],
    dependencyOrder: !values['no-order'],
    dryRun: values['dry-run'],
    json: values.json,
    historyDir: values.history,
  };
}

// An empty value (`--host ""`) would quietly mean the default engine: say so instead.
function nonEmpty(option: string, values: readonly string[] | undefined): string[] {
  const list = (values ?? []).map((v) => v.trim());
  if (list.some((v) => v === '')) throw new UsageError(`Expected ${option} to name something`);
  return list;
}

function parseMaxOutage(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) {
    throw new UsageError(`Expected --max-outage to be whole seconds 1-86400, got "${value}"`);
  }
  return n;
}

function parseFraction(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`Expected --failure-threshold to be a fraction 0-1, got "${value}"`);
  }
  return n;
}

/** The parsed options `schedule` reads. */
interface ScheduleValues {
  readonly select?: string;
  readonly host?: string[];
  readonly context?: string[];
  readonly 'skip-unreachable': boolean;
  readonly 'max-outage'?: string;
  readonly concurrency?: string;
  readonly timeout?: string;
  readonly signal?: string;
  readonly force: boolean;
  readonly 'no-order': boolean;
  readonly 'dry-run': boolean;
  readonly json: boolean;
  readonly history?: string;
  readonly at?: string;
  readonly daily?: string;
  readonly window?: string;
}

function parseScheduleArgs(args: readonly string[], values: ScheduleValues): ScheduleCommand {
  const [action, ...rest] = args;
  const historyDir = values.history;
  if (values['dry-run']) {
    // Quietly storing a schedule would surprise someone who asked to change nothing.
    throw new UsageError('--dry-run does not apply to schedule; use it on the operation itself');
  }
  const multiHost = (values.host?.length ?? 0) > 1 || values.context !== undefined ||
    values['skip-unreachable'] || values['max-outage'] !== undefined;
  if (multiHost) {
    // A schedule keeps one engine address; dropping the others would run on fewer hosts.
    throw new UsageError(
      'schedule takes at most one --host; --context, --skip-unreachable and --max-outage ' +
        'apply to operations run now',
    );
  }
  const host = values.host?.[0];
  if (action === 'list') {
    if (rest.length > 0) {
      throw new UsageError(`schedule list takes no arguments, got "${rest[0]}"`);
    }
    return { command: 'schedule', action, json: values.json, historyDir };
  }
  if (action === 'cancel') {
    if (rest.length !== 1 || !rest[0]) {
      throw new UsageError('schedule cancel takes one schedule id');
    }
    return { command: 'schedule', action, id: rest[0], historyDir };
  }
  if (action === 'run') {
    if (rest.length > 0) {
      throw new UsageError(`schedule run takes no arguments, got "${rest[0]}"`);
    }
    return { command: 'schedule', action, host, historyDir };
  }
  if (action !== 'add') {
    throw new UsageError(`Expected schedule add, list, cancel or run, got "${action ?? ''}"`);
  }

  const [kind, ...ids] = rest;
  if (!OPERATION_KINDS.includes(kind as OperationKind)) {
    throw new UsageError(
      `Expected schedule add to name a kind (${OPERATION_KINDS.join(', ')}), got "${kind ?? ''}"`,
    );
  }
  if (ids.length === 0 && values.select === undefined) {
    throw new UsageError('schedule add needs container ids or names, or --select EXPR');
  }
  if ((values.at === undefined) === (values.daily === undefined)) {
    throw new UsageError('schedule add needs exactly one of --at TIME and --daily HH:MM');
  }

  return {
    command: 'schedule',
    action,
    kind: kind as OperationKind,
    ids,
    select: values.select,
    atMs: values.at === undefined ? undefined : parseAt(values.at),
    daily: values.daily === undefined ? undefined : parseDaily(values.daily),
    windowMinutes: parseWindow(values.window),
    host,
    concurrency: parseConcurrency(values.concurrency),
    graceSeconds: parseSeconds(values.timeout),
    signal: values.signal,
    force: values.force,
    dependencyOrder: !values['no-order'],
    json: values.json,
    historyDir,
  };
}

// A time without a zone is read as local wall-clock time, as a person means "at 02:00".
function parseAt(text: string): number {
  const ms = parseIsoTime(text);
  if (ms === undefined) {
    throw new UsageError(
      `Expected --at to be an ISO date-time like 2026-05-01T02:00, got "${text}"`,
    );
  }
  if (/(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10) return ms;
  const wall = new Date(ms);
  return new Date(
    wall.getUTCFullYear(),
    wall.getUTCMonth(),
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  ).getTime();
}

function parseDaily(text: string): string {
  if (!parseDailyTime(text)) {
    throw new UsageError(`Expected --daily to be a 24-hour time HH:MM, got "${text}"`);
  }
  return text;
}

function parseWindow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WINDOW_MINUTES) {
    throw new UsageError(
      `Expected --window to be whole minutes 1-${MAX_WINDOW_MINUTES}, got "${value}"`,
    );
  }
  return n;
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
