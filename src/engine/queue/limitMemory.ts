import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import type { OperationKind, OperationOptions, OperationRecord } from '../model/operation';
import { OPERATION_KINDS } from '../model/operation';
import type { ObservedRates } from '../planner/plan/planTypes';
import type { Logger } from '../util/logger';
import { SILENT_LOGGER } from '../util/logger';
import { AdaptiveLimiter } from './adaptiveLimiter';
import {
  ADAPTIVE_MAX_CONCURRENCY,
  clampConcurrency,
  DEFAULT_CONCURRENCY,
  DEFAULT_HOST_CAP,
  MAX_CONCURRENCY,
  MIN_CONCURRENCY,
} from './concurrencyDefaults';
import { type ConcurrencyLimiter, FixedLimiter } from './concurrencyLimiter';

/** What worked for one kind of operation on one engine. */
export interface RememberedLimit {
  readonly limit: number;
  /** Items per second the last measured operation managed, for plan estimates. */
  readonly ratePerSecond?: number;
  readonly updatedMs: number;
}

/** How a limit memory is set up; every field is optional. */
export interface LimitMemoryOptions {
  readonly log?: Logger;
  /** Clock for `updatedMs` and for the limiters it makes; injected by tests. */
  readonly now?: () => number;
}

// The shape of BulkEngine's limiter factory, restated so the queue does not import upward.
type Factory = (host: string, kind: OperationKind, options: OperationOptions) => ConcurrencyLimiter;

export const LIMITS_FILE = 'limits.json';

/** Windows a limiter must have measured for its limit to be remembered. */
export const MIN_WINDOWS_TO_LEARN = 3;
/**
 * The most a remembered limit moves in one run: down to three quarters of what it was, or up
 * by a quarter (one probe step up; at least one).
 */
const DECAY = 0.75;
const GROWTH = 1.25;

interface LimitsFile {
  readonly v: 1;
  readonly hosts: Record<string, Partial<Record<OperationKind, RememberedLimit>>>;
}

/**
 * Remembers, per engine host and operation kind, the limit adaptive limiters settled on and
 * the rate they saw, in a small JSON file in a folder the caller owns (the history folder).
 * New limiters start from what worked last time instead of climbing from the default, and
 * plans can estimate a duration from the rates. Writes go to a temporary file renamed over
 * the old one, so a crash leaves the old file or the new one, never half of either.
 */
export class LimitMemory {
  readonly file: string;
  private readonly log: Logger;
  private readonly now: () => number;
  private hosts: Record<string, Partial<Record<OperationKind, RememberedLimit>>> = {};
  /** Limiters of operations still running, by operation id. */
  private readonly live = new Map<string, { host: string; limiter: AdaptiveLimiter }[]>();
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly dir: string, options: LimitMemoryOptions = {}) {
    this.file = join(dir, LIMITS_FILE);
    this.log = options.log ?? SILENT_LOGGER;
    this.now = options.now ?? Date.now;
  }

  /**
   * Reads the file. A missing file is a fresh start; an unreadable one is too, with one
   * warning returned (and logged), and is replaced at the next save: remembered limits only
   * save time, so losing them must never stop an operation.
   */
  async load(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      return [this.startFresh(String(error))];
    }

    const parsed = parseLimitsFile(text);
    if (!parsed) return [this.startFresh('the file is garbled')];
    this.hosts = parsed.hosts;
    return [];
  }

  /** What is remembered for one host and kind, if anything. */
  get(host: string, kind: OperationKind): RememberedLimit | undefined {
    return this.hosts[host]?.[kind];
  }

  /** Items per second per host and kind, in the shape the planner takes. */
  observedRates(): ObservedRates {
    const rates: Record<string, Partial<Record<OperationKind, number>>> = {};
    for (const [host, kinds] of Object.entries(this.hosts)) {
      for (const kind of OPERATION_KINDS) {
        const rate = kinds[kind]?.ratePerSecond;
        if (rate !== undefined) (rates[host] ??= {})[kind] = rate;
      }
    }
    return rates;
  }

  /**
   * A factory for BulkEngine: adaptive limiters starting from the remembered limit, or a
   * fixed one when the operation pins a number. With an `operationId`, the limiters it makes
   * are kept so that `operationEnded` can learn from them.
   */
  limiterFactory(operationId?: string): Factory {
    return (host, kind, options) => {
      if (options.concurrency !== undefined) {
        return new FixedLimiter(clampConcurrency(options.concurrency, kind));
      }
      // The limiter's own maximum per kind stays within the host's queue cap: above it,
      // extra requests only wait there, and the limit would climb on numbers that never
      // reach the engine (stop reached 216 in the benchmark).
      const limiter = new AdaptiveLimiter({
        kind,
        initial: this.get(host, kind)?.limit,
        max: Math.min(DEFAULT_HOST_CAP, ADAPTIVE_MAX_CONCURRENCY[kind]),
        now: this.now,
      });
      if (operationId !== undefined) {
        const list = this.live.get(operationId) ?? [];
        list.push({ host, limiter });
        this.live.set(operationId, list);
      }
      return limiter;
    };
  }

  /**
   * Learns from the limiters an operation used, then saves. A rolled-back operation teaches
   * nothing about its kind: its limiters last measured the reverse actions. A limiter that
   * measured fewer than `MIN_WINDOWS_TO_LEARN` windows never tested its limit and teaches
   * nothing either (a small retry, a short tail). A rate spans any time the failure guard or
   * an engine outage held the operation, so it reads low.
   */
  async operationEnded(record: OperationRecord): Promise<void> {
    const used = this.live.get(record.id);
    this.live.delete(record.id);
    if (!used || record.status === 'rolledBack') return;

    let changed = false;
    for (const { host, limiter } of used) {
      const summary = limiter.summary();
      if (summary.windows < MIN_WINDOWS_TO_LEARN) continue;
      this.learn(host, record.kind, summary.limit, summary.ratePerSecond);
      changed = true;
    }
    if (changed) await this.save();
  }

  /**
   * Folds the limit one run ended at into what is remembered, moving at most a quarter either
   * way per run, and never below the kind's default. A run ends wherever its last probe left
   * it, which is one short, noisy measurement: taken as it was, falls made each run start lower
   * than the last (pause drifted from 32 to 2 over five runs in the benchmark), and rises made
   * it climb on an engine whose rate is flat (pause from 4 to 39 over five runs, with the
   * sweep's best at 8, and every request past the knee only waits inside the daemon). Within a
   * run the limiter still goes wherever the engine needs.
   */
  learn(host: string, kind: OperationKind, limit: number, ratePerSecond?: number): void {
    // A first run started from the default, so the default is what it moves from.
    const before = this.get(host, kind)?.limit ?? DEFAULT_CONCURRENCY[kind];
    const floor = Math.max(DEFAULT_CONCURRENCY[kind], Math.round(before * DECAY));
    const ceiling = Math.max(before + 1, Math.round(before * GROWTH));
    this.remember(host, kind, Math.min(ceiling, Math.max(limit, floor)), ratePerSecond);
  }

  /** Stores what worked for one host and kind; a missing rate keeps the one known. */
  remember(host: string, kind: OperationKind, limit: number, ratePerSecond?: number): void {
    const before = this.hosts[host]?.[kind];
    const rate = ratePerSecond !== undefined && Number.isFinite(ratePerSecond) && ratePerSecond > 0
      ? Math.round(ratePerSecond * 100) / 100
      : before?.ratePerSecond;
    (this.hosts[host] ??= {})[kind] = {
      limit: Math.min(MAX_CONCURRENCY, Math.max(MIN_CONCURRENCY, Math.round(limit))),
      ...(rate !== undefined ? { ratePerSecond: rate } : {}),
      updatedMs: this.now(),
    };
  }

  /**
   * Writes the file atomically. A failing disk costs only the memory, never an operation:
   * the failure is logged and the previous file stays as it was.
   */
  save(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private startFresh(reason: string): string {
    this.hosts = {};
    const warning = `Stevedore could not read its remembered concurrency limits in ${this.file} ` +
      `(${reason}); it starts from the defaults and will write the file anew.`;
    this.log.warn(warning);
    return warning;
  }

  private async write(): Promise<void> {
    await this.mergeFromDisk();
    const text = JSON.stringify({ v: 1, hosts: this.hosts } satisfies LimitsFile, null, 2) + '\n';
    const tmp = `${this.file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.file);
    } catch (error) {
      this.log.warn(`Stevedore could not save its concurrency limits to ${this.file}: ` +
        `${String(error)}`);
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  /**
   * Takes entries another process (a second window, the CLI) saved since this one loaded,
   * where they are newer, so that the last writer does not erase what the others learned.
   */
  private async mergeFromDisk(): Promise<void> {
    const onDisk = parseLimitsFile(await readFile(this.file, 'utf8').catch(() => ''));
    if (!onDisk) return;
    for (const [host, kinds] of Object.entries(onDisk.hosts)) {
      for (const kind of OPERATION_KINDS) {
        const theirs = kinds[kind];
        const ours = this.hosts[host]?.[kind];
        if (theirs && (!ours || theirs.updatedMs > ours.updatedMs)) {
          (this.hosts[host] ??= {})[kind] = theirs;
        }
      }
    }
  }
}

/** The file's content when it is sound, else undefined; bad entries are dropped singly. */
function parseLimitsFile(text: string): LimitsFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || data.v !== 1 || !isObject(data.hosts)) return undefined;

  const hosts: LimitsFile['hosts'] = {};
  for (const [host, kinds] of Object.entries(data.hosts)) {
    if (!isObject(kinds)) continue;
    for (const kind of OPERATION_KINDS) {
      const entry = kinds[kind];
      if (!isObject(entry) || !isLimit(entry.limit)) continue;
      const rate = entry.ratePerSecond;
      (hosts[host] ??= {})[kind] = {
        limit: entry.limit,
        ...(typeof rate === 'number' && Number.isFinite(rate) && rate > 0
          ? { ratePerSecond: rate }
          : {}),
        updatedMs: typeof entry.updatedMs === 'number' ? entry.updatedMs : 0,
      };
    }
  }
  return { v: 1, hosts };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLimit(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_CONCURRENCY &&
    (value as number) <= MAX_CONCURRENCY;
}
