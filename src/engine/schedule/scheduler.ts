import { randomUUID } from 'node:crypto';

import { OPERATION_KINDS } from '../model/operation';
import { sleep } from '../util/abort';
import type { Logger } from '../util/logger';
import { SILENT_LOGGER } from '../util/logger';
import { parseDailyTime } from './dailyTime';
import { describeTiming } from './describeTiming';
import { dueOccurrences } from './dueOccurrences';
import type { ScheduleLine } from './scheduleLine';
import { ScheduleError } from './scheduleError';
import { type ScheduleState, ScheduleStore } from './scheduleStore';
import {
  DEFAULT_WINDOW_MINUTES,
  MAX_WINDOW_MINUTES,
  type NewSchedule,
  type Schedule,
  type ScheduleRun,
  type ScheduleView,
} from './scheduleTypes';

/** Time as the scheduler sees it; tests pass one they move by hand. */
export interface SchedulerClock {
  now(): number;
  /** Waits `ms`, rejecting when `signal` aborts; must not keep the process alive. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The real clock, with unref'd timers. */
export const SYSTEM_CLOCK: SchedulerClock = { now: () => Date.now(), sleep };

/** How a scheduler is set up; `dir` and `runDue` are required. */
export interface SchedulerOptions {
  /** The history folder; schedules live in `schedules.jsonl` there. */
  readonly dir: string;
  /**
   * Plans and runs a due schedule against the containers there are now; resolves when the
   * operation has ended, rejects when it could not run or failed.
   */
  readonly runDue: (schedule: Schedule, dueMs: number) => Promise<void>;
  readonly clock?: SchedulerClock;
  readonly log?: Logger;
  /** The longest wait between reads of the file, which other processes change; 60 s. */
  readonly pollMs?: number;
  /** Told of each due time that passed unseen, for a message to the user. */
  readonly onMissed?: (schedule: Schedule, run: ScheduleRun) => void;
  /**
   * Whether this runner can run `schedule` now (for instance, it is connected to the
   * schedule's engine). A schedule it cannot run is left to other runners: neither run nor
   * recorded missed here. All schedules when absent.
   */
  readonly accepts?: (schedule: Schedule) => boolean;
}

const DEFAULT_POLL_MS = 60_000;
/** Runs listed per schedule. */
const LISTED_RUNS = 5;

/**
 * Keeps scheduled operations and runs them when due while some process is watching: the
 * extension, or `stevedore schedule run`. A due time whose window passed while nobody
 * watched is recorded as missed, never run late. Several processes may watch the same
 * folder; the first to claim a due time in the file runs it. Due schedules run one at a
 * time, in the order they came due: they would compete for the same engine anyway.
 */
export class Scheduler {
  private readonly store: ScheduleStore;
  private readonly clock: SchedulerClock;
  private readonly log: Logger;
  private readonly pollMs: number;
  /** Tells this runner's claims from other processes' in the shared file. */
  private readonly owner = randomUUID();
  private queue: Promise<void> = Promise.resolve();
  /** The sleep `wake` cuts short, while the loop sleeps. */
  private nap: AbortController | undefined;
  /** Set by a `wake` that came while the loop was not sleeping: the next sleep is skipped. */
  private wakeRequested = false;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.log ?? SILENT_LOGGER;
    this.store = new ScheduleStore(options.dir, this.log);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /** Stores a new schedule; throws ScheduleError when it is malformed or already past. */
  async add(input: NewSchedule): Promise<Schedule> {
    const nowMs = this.clock.now();
    const schedule: Schedule = {
      id: randomUUID(),
      kind: input.kind,
      selection: input.selection,
      timing: input.timing,
      windowMinutes: input.windowMinutes ?? DEFAULT_WINDOW_MINUTES,
      ...(input.options ? { options: input.options } : {}),
      ...(input.host ? { host: input.host } : {}),
      createdMs: nowMs,
    };
    validate(schedule, nowMs);

    await this.store.append([{ v: 1, t: 'add', schedule }]);
    this.log.info(`Schedule ${schedule.id} added: ${schedule.kind} ${describeTiming(schedule)}`);
    return schedule;
  }

  /** Every schedule, oldest first, with its status, next due time and last runs. */
  async list(): Promise<ScheduleView[]> {
    const nowMs = this.clock.now();
    const states = await this.store.read();
    return [...states.values()]
      .map((state) => toView(state, nowMs))
      .sort((a, b) => a.schedule.createdMs - b.schedule.createdMs);
  }

  /**
   * Cancels a schedule by id or by a unique prefix of at least 4 characters. A run already
   * started goes on; only later due times are dropped.
   */
  async cancel(idOrPrefix: string): Promise<Schedule> {
    const states = await this.store.read();
    const state = findState(states, idOrPrefix);
    if (state.cancelledMs !== undefined) {
      throw new ScheduleError(`Schedule ${state.schedule.id} is already cancelled`);
    }

    await this.store.append([{ v: 1, t: 'cancel', id: state.schedule.id, atMs: this.clock.now() }]);
    this.log.info(`Schedule ${state.schedule.id} cancelled`);
    return state.schedule;
  }

  /**
   * Takes what is due now: queues the runs whose window is open and records as missed the
   * due times whose window passed. Resolves to the next due time, once the claims are
   * written (the runs go on in the background; see `idle`).
   */
  async runDueNow(): Promise<number | undefined> {
    const nowMs = this.clock.now();
    const states = await this.store.read();
    const claims: Extract<ScheduleLine, { t: 'claim' }>[] = [];
    let next: number | undefined;

    for (const state of states.values()) {
      if (state.cancelledMs !== undefined) continue;
      if (this.options.accepts && !this.options.accepts(state.schedule)) continue;
      const due = dueOccurrences(state.schedule, state.handledThroughMs, nowMs);
      const id = state.schedule.id;
      if (due.missed) {
        const { dueMs, count } = due.missed;
        claims.push({
          v: 1, t: 'claim', id, dueMs, owner: this.owner, action: 'miss', missedCount: count,
          atMs: nowMs,
        });
      }
      if (due.run !== undefined) {
        claims.push({
          v: 1, t: 'claim', id, dueMs: due.run, owner: this.owner, action: 'run', atMs: nowMs,
        });
      }
      if (due.nextDueMs !== undefined) next = Math.min(next ?? Infinity, due.nextDueMs);
    }
    if (claims.length === 0) return next;

    await this.store.append(claims);
    const after = await this.store.read();
    for (const claim of claims) {
      const state = after.get(claim.id);
      if (!state || state.claims.get(claim.dueMs)?.owner !== this.owner) continue;
      if (claim.action === 'miss') this.reportMissed(state.schedule, claim);
      else this.enqueue(state.schedule, claim.dueMs);
    }
    return next;
  }

  /** Resolves when every run this scheduler queued has ended. */
  async idle(): Promise<void> {
    for (;;) {
      const queued = this.queue;
      await queued;
      if (queued === this.queue) return;
    }
  }

  /**
   * Watches until `signal` aborts: runs what is due, then sleeps until the next due time,
   * waking at least every `pollMs` to see schedules other processes added. Its timers do
   * not keep the process alive. Resolves once the runs it started have ended.
   */
  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.wakeRequested = false;
      let next: number | undefined;
      try {
        next = await this.runDueNow();
      } catch (error) {
        // A file that cannot be read now may be readable at the next wake.
        this.log.warn(`Schedules: cannot read or write ${this.store.file}: ${String(error)}`);
      }

      // A run queued just now may have ended and aborted before the listener below exists.
      if (this.wakeRequested || signal.aborted) continue;
      const untilNext = next === undefined ? this.pollMs : next - this.clock.now();
      const nap = new AbortController();
      const stop = (): void => nap.abort();
      signal.addEventListener('abort', stop, { once: true });
      this.nap = nap;
      try {
        await this.clock.sleep(Math.max(1, Math.min(this.pollMs, untilNext)), nap.signal);
      } catch {
        if (signal.aborted) break;
      } finally {
        this.nap = undefined;
        signal.removeEventListener('abort', stop);
      }
    }
    await this.idle();
  }

  /**
   * Reads the file again now rather than at the next due time or poll: after this process
   * added or cancelled a schedule, or saw the file change, or can now run schedules it
   * could not before.
   */
  wake(): void {
    this.wakeRequested = true;
    this.nap?.abort();
  }

  private enqueue(schedule: Schedule, dueMs: number): void {
    this.queue = this.queue.then(() => this.runOne(schedule, dueMs));
  }

  private async runOne(schedule: Schedule, dueMs: number): Promise<void> {
    this.log.info(`Schedule ${schedule.id} is due: ${schedule.kind} ${describeTiming(schedule)}`);
    let line: ScheduleLine;
    try {
      await this.options.runDue(schedule, dueMs);
      line = { v: 1, t: 'result', id: schedule.id, dueMs, outcome: 'ran', atMs: this.clock.now() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn(`Schedule ${schedule.id} failed: ${message}`);
      line = {
        v: 1, t: 'result', id: schedule.id, dueMs, outcome: 'failed', message,
        atMs: this.clock.now(),
      };
    }

    try {
      await this.store.append([line]);
    } catch (error) {
      this.log.warn(`Schedules: cannot record the result of ${schedule.id}: ${String(error)}`);
    }
  }

  private reportMissed(schedule: Schedule, claim: { dueMs: number; missedCount?: number }): void {
    const count = claim.missedCount ?? 1;
    this.log.warn(
      `Schedule ${schedule.id} (${schedule.kind}) missed ${count} due time(s), the last at ` +
        `${new Date(claim.dueMs).toISOString()}: nothing watched while its window was open`,
    );
    this.options.onMissed?.(schedule, {
      dueMs: claim.dueMs,
      outcome: 'missed',
      atMs: this.clock.now(),
      missedCount: count,
    });
  }
}

function validate(schedule: Schedule, nowMs: number): void {
  if (!OPERATION_KINDS.includes(schedule.kind)) {
    throw new ScheduleError(`Expected an operation kind, got "${schedule.kind}"`);
  }
  const { select, ids } = schedule.selection;
  if ((select === undefined || select.trim() === '') && (ids === undefined || ids.length === 0)) {
    throw new ScheduleError('A schedule needs a selector or container ids');
  }
  const window = schedule.windowMinutes;
  if (!Number.isInteger(window) || window < 1 || window > MAX_WINDOW_MINUTES) {
    throw new ScheduleError(
      `Expected the window to be whole minutes 1-${MAX_WINDOW_MINUTES}, got ${window}`,
    );
  }

  const timing = schedule.timing;
  if (timing.type === 'daily' && !parseDailyTime(timing.time)) {
    throw new ScheduleError(`Expected a daily time as HH:MM, got "${timing.time}"`);
  }
  if (timing.type === 'once' && timing.atMs + window * 60_000 <= nowMs) {
    throw new ScheduleError(
      `${new Date(timing.atMs).toISOString()} and its ${window}-minute window have passed`,
    );
  }
}

function findState(states: ReadonlyMap<string, ScheduleState>, idOrPrefix: string): ScheduleState {
  const exact = states.get(idOrPrefix);
  if (exact) return exact;

  const matches = idOrPrefix.length >= 4
    ? [...states.values()].filter((s) => s.schedule.id.startsWith(idOrPrefix))
    : [];
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new ScheduleError(
      `"${idOrPrefix}" matches ${matches.length} schedules; give more of the id`,
    );
  }
  throw new ScheduleError(`No schedule with id "${idOrPrefix}"`);
}

function toView(state: ScheduleState, nowMs: number): ScheduleView {
  const runs: ScheduleRun[] = [...state.claims.entries()]
    .sort((a, b) => b[0] - a[0])
    .slice(0, LISTED_RUNS)
    .map(([dueMs, claim]) => {
      if (claim.action === 'miss') {
        return { dueMs, outcome: 'missed', atMs: claim.atMs, missedCount: claim.missedCount };
      }
      const result = state.results.get(dueMs);
      return result
        ? { dueMs, outcome: result.outcome, atMs: result.atMs, message: result.message }
        : { dueMs, outcome: 'pending', atMs: claim.atMs };
    });

  if (state.cancelledMs !== undefined) {
    return { schedule: state.schedule, status: 'cancelled', runs };
  }
  const due = dueOccurrences(state.schedule, state.handledThroughMs, nowMs);
  const nextDueMs = due.run ?? due.nextDueMs;
  if (nextDueMs === undefined && due.missed === undefined) {
    return { schedule: state.schedule, status: 'finished', runs };
  }
  return { schedule: state.schedule, status: 'active', nextDueMs, runs };
}
