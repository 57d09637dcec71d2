import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import type { DockerSandbox } from '../../../scripts/sandbox/dockerSandbox';
import { DockerAdapter } from '../../../src/engine/docker/dockerAdapter';
import type { EngineDeadlines } from '../../../src/engine/docker/engineDeadlines';
import { parseEndpoint } from '../../../src/engine/docker/resolveEndpoint';
import type { HistoryStore } from '../../../src/engine/history/historyStore';
import type { ContainerState } from '../../../src/engine/model/container';
import type {
  ItemRecord,
  ItemState,
  OperationRecord,
  OperationTarget,
  ProgressSnapshot,
} from '../../../src/engine/model/operation';
import { BulkEngine, type BulkEngineOptions } from '../../../src/engine/operation/bulkEngine';
import type { Logger } from '../../../src/engine/util/logger';

/** The host name reliability tests give their one engine. */
export const HOST = 'sandbox';

/**
 * Deadlines short enough that a hung daemon shows within seconds, long enough that a busy
 * two-core machine running other tests does not read as one.
 */
export const SHORT_DEADLINES: EngineDeadlines = {
  ping: 1_500,
  list: 10_000,
  inspect: 4_000,
  start: 20_000,
  stop: 4_000,
  restart: 20_000,
  kill: 4_000,
  pause: 4_000,
  unpause: 4_000,
  remove: 8_000,
};

/** What the engine logged, with the time, so a test can find the outage's window. */
export interface LogLine {
  readonly atMs: number;
  readonly level: keyof Logger;
  readonly message: string;
}

/** One item state change as the engine reported it. */
export interface ItemChange {
  readonly atMs: number;
  readonly operationId: string;
  readonly item: ItemRecord;
}

/** A BulkEngine on a sandbox, with everything it reported kept for assertions. */
export interface RecordedEngine {
  readonly engine: BulkEngine;
  readonly adapter: DockerAdapter;
  readonly log: LogLine[];
  readonly items: ItemChange[];
  readonly snapshots: (ProgressSnapshot & { readonly atMs: number })[];
}

/** Options for `recordedEngine`; anything BulkEngine takes, minus the adapters. */
export interface RecordedEngineOptions extends Omit<BulkEngineOptions, 'adapters' | 'log'> {
  readonly deadlines?: Partial<EngineDeadlines>;
  readonly history?: HistoryStore;
}

/** An adapter on the sandbox with the short deadlines, for operations and for checks. */
export function sandboxAdapter(
  sandbox: DockerSandbox,
  deadlines: Partial<EngineDeadlines> = {},
): DockerAdapter {
  return new DockerAdapter({
    endpoint: parseEndpoint(sandbox.dockerHost),
    hostName: HOST,
    deadlines: { ...SHORT_DEADLINES, ...deadlines },
  });
}

/** Builds a BulkEngine on the sandbox with short deadlines, recording logs, items, progress. */
export function recordedEngine(
  sandbox: DockerSandbox,
  options: RecordedEngineOptions = {},
): RecordedEngine {
  const { deadlines, ...engineOptions } = options;
  const adapter = sandboxAdapter(sandbox, deadlines);
  const log: LogLine[] = [];
  const at = (level: keyof Logger) => (message: string): void => {
    log.push({ atMs: Date.now(), level, message });
  };
  const engine = new BulkEngine({
    adapters: [adapter],
    maxOutageMs: 30_000,
    // The failure guard has tests of its own; elsewhere it would hold an operation for a
    // decision no test gives, when a fault makes more than a few items fail.
    guard: { threshold: 1 },
    ...engineOptions,
    log: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'),
      error: at('error') },
  });
  const items: ItemChange[] = [];
  const snapshots: RecordedEngine['snapshots'] = [];
  engine.onItem((e) => items.push({ atMs: Date.now(), operationId: e.operationId, item: e.item }));
  engine.onProgress((s) => snapshots.push({ ...s, atMs: Date.now() }));
  return { engine, adapter, log, items, snapshots };
}

/** The engine's own view of each container, by id; "missing" when it is gone. */
export async function realStates(
  adapter: DockerAdapter,
  ids: readonly string[],
): Promise<Map<string, ContainerState | 'missing'>> {
  const listed = await adapter.list(AbortSignal.timeout(30_000));
  const byId = new Map(listed.map((c) => [c.id, c.state]));
  return new Map(ids.map((id) => [id, byId.get(id) ?? 'missing']));
}

/** Targets as the planner would give them: each container's name and current state. */
export async function targetsOf(
  adapter: DockerAdapter,
  ids: readonly string[],
): Promise<OperationTarget[]> {
  const listed = await adapter.list(AbortSignal.timeout(30_000));
  const byId = new Map(listed.map((c) => [c.id, c]));
  return ids.map((id) => {
    const found = byId.get(id);
    if (!found) throw new Error(`container ${id} is not on the engine`);
    return { id, name: found.name, state: found.state, host: HOST };
  });
}

/** Item counts of a record by state, for messages and for the report's figures. */
export function outcomes(record: OperationRecord): Partial<Record<ItemState, number>> {
  const counts: Partial<Record<ItemState, number>> = {};
  for (const item of record.items) counts[item.state] = (counts[item.state] ?? 0) + 1;
  return counts;
}

/** The value as it reads after a JSON round trip: undefined fields dropped. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Ids that appear more than once among the record's items (an item counted twice). */
export function duplicateIds(record: OperationRecord): string[] {
  const seen = new Set<string>();
  return record.items.map((i) => i.id).filter((id) => seen.has(id) || !seen.add(id));
}

/** Resolves once `check` holds, polling; rejects after `ms` with `what` in the message. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await delay(20);
  }
}

/** Kills dockerd and waits until its socket stops answering. */
export async function crash(sandbox: DockerSandbox): Promise<void> {
  sandbox.kill('SIGKILL');
  await eventually(async () => !(await sandbox.ping(300)), 'the killed daemon going quiet');
}

/** Prints a figure for docs/reliability.md under the test's output, one JSON line each. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  process.stdout.write(`      figures ${JSON.stringify({ scenario, ...figures })}\n`);
}

const REPO = join(__dirname, '../../..');
const CLI = join(REPO, 'src/cli/main.ts');
const BUILT_CLI = join(REPO, 'dist/cli.js');

/** How a CLI run ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** How to run the CLI: its environment, and optionally a deadline or another user. */
export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Killed with SIGKILL after this long; the promise then rejects. Default 120 s. */
  readonly timeoutMs?: number;
  /** Runs it as this user through `setpriv`, with no supplementary groups. */
  readonly asUser?: { readonly uid: number; readonly gid: number };
}

/** A CLI process still running: its stderr so far, and how it ends. */
export interface RunningCli {
  stderr(): string;
  readonly done: Promise<CliRun>;
}

/**
 * Starts the CLI from source in its own process, as a user would. Arguments go to the
 * program as an argv array: nothing passes through a shell.
 */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const user = options.asUser;
  // Another user may not be able to read this checkout (a clone in a private temporary
  // folder, say), so that user runs the bundled CLI from a folder anyone can read.
  const readable = user ? readableCliCopy() : undefined;
  const node = readable
    ? [process.execPath, join(readable, 'cli.js'), ...args]
    : [process.execPath, '--import', 'tsx', CLI, ...args];
  const argv = user
    ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', ...node]
    : node;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const began = Date.now();
  let stdout = '';
  let stderr = '';
  const done = new Promise<CliRun>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...options.env },
      cwd: readable ?? REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stevedore ${args.join(' ')} did not end in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (readable) rmSync(readable, { recursive: true, force: true });
      resolve({ code, stdout, stderr, ms: Date.now() - began });
    });
  });
  return { stderr: () => stderr, done };
}

/** A fresh folder anyone may read, holding the bundled CLI (built first when missing). */
function readableCliCopy(): string {
  if (!existsSync(BUILT_CLI)) {
    const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
    if (built.status !== 0) throw new Error(`node esbuild.mjs failed with ${built.status}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'stevedore-cli-'));
  chmodSync(dir, 0o755);
  copyFileSync(BUILT_CLI, join(dir, 'cli.js'));
  chmodSync(join(dir, 'cli.js'), 0o755);
  return dir;
}

/** Runs the CLI to its end; see `startCli`. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}
