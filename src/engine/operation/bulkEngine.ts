import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';

import type { ContainerEngine } from '../docker/containerEngine';
import type { HistoryStore } from '../history/historyStore';
import type {
  ItemRecord,
  OperationKind,
  OperationOptions,
  OperationRecord,
  OperationRequest,
  OperationStatus,
  ProgressSnapshot,
} from '../model/operation';
import { FINAL_OPERATION_STATUSES } from '../model/operation';
import { clampConcurrency, DEFAULT_HOST_CAP } from '../queue/concurrencyDefaults';
import { type ConcurrencyLimiter, FixedLimiter } from '../queue/concurrencyLimiter';
import { EngineQueue } from '../queue/engineQueue';
import type { LimitMemory } from '../queue/limitMemory';
import { Emitter } from '../util/emitter';
import { type Logger, SILENT_LOGGER } from '../util/logger';
import { DEFAULT_MAX_OUTAGE_MS, EngineHealth } from './engineHealth';
import { DEFAULT_FAILURE_GUARD, type FailureGuardOptions } from './failureGuard';
import { isReversible } from './itemActions';
import type { OperationItem } from './operationItem';
import { type GuardDecision, OperationRun, type RunContext } from './operationRun';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy';

/** Makes the limiter one operation uses on one host. */
export type LimiterFactory = (
  host: string,
  kind: OperationKind,
  options: OperationOptions,
) => ConcurrencyLimiter;

/** How a BulkEngine is put together; only `adapters` is required. */
export interface BulkEngineOptions {
  /** The engines, by the host name their containers carry. */
  readonly adapters: readonly ContainerEngine[];
  readonly history?: HistoryStore;
  /** Fixed concurrency per kind; a kind left out uses the limiter factory or its default. */
  readonly concurrency?: Partial<Record<OperationKind, number>>;
  readonly limiterFactory?: LimiterFactory;
  /**
   * Adaptive limits remembered per host and kind. When given it supplies every limiter that
   * no pinned number decides, in place of `limiterFactory`, and learns from each ended run.
   */
  readonly limitMemory?: LimitMemory;
  /** Requests in flight to one engine over all operations. */
  readonly hostCap?: number;
  readonly retry?: RetryPolicy;
  readonly guard?: Partial<FailureGuardOptions>;
  /** How long items wait for an engine that went away before they fail. */
  readonly maxOutageMs?: number;
  /**
   * Finished operations kept in memory besides the running ones (default 4). Older ones are
   * read back from the history when asked for, and rebuilt from it to be retried or rolled
   * back; without a history they are forgotten.
   */
  readonly keepFinished?: number;
  readonly log?: Logger;
}

/** Finished runs an engine keeps in memory when its options do not say. */
export const DEFAULT_KEEP_FINISHED = 4;

/** Dependency waves remembered for dropped runs, whose history records do not carry them. */
const MAX_REMEMBERED_WAVES = 64;

/** A submitted operation: its id now, its final record later. */
export interface OperationHandle {
  readonly id: string;
  readonly done: Promise<OperationRecord>;
}

/** An operation changed status. */
export interface StatusEvent {
  readonly operationId: string;
  readonly status: OperationStatus;
}

/** An item changed state. */
export interface ItemEvent {
  readonly operationId: string;
  readonly item: ItemRecord;
}

/** Refused because it cannot be done, said before anything is touched. */
export class OperationRefusedError extends Error {
  override readonly name = 'OperationRefusedError';
}

/**
 * The engine's front door: submit bulk operations, watch them, cancel, roll back, retry,
 * resume. It knows nothing of VS Code; the extension, the CLI and the benchmark all drive
 * it the same way.
 */
export class BulkEngine {
  private readonly adapters = new Map<string, ContainerEngine>();
  private readonly queues = new Map<string, EngineQueue>();
  private readonly health = new Map<string, EngineHealth>();
  private readonly runs = new Map<string, OperationRun>();
  /** Ids of finished runs still in `runs`, oldest first. */
  private readonly finished: string[] = [];
  /** Wave of each item of a dropped run that had dependency order, by operation id. */
  private readonly droppedWaves =
    new Map<string, ReadonlyMap<string, { wave: number; chain: number }>>();
  private readonly lifetime = new AbortController();
  private readonly log: Logger;
  private readonly context: RunContext;
  private readonly progress = new Emitter<ProgressSnapshot>((e) => this.listenerFailed(e));
  private readonly itemChanged = new Emitter<ItemEvent>((e) => this.listenerFailed(e));
  private readonly statusChanged = new Emitter<StatusEvent>((e) => this.listenerFailed(e));

  /** Aggregate progress, at most every 100 ms per running operation. */
  readonly onProgress = this.progress.event;
  /** Every item state change, as it happens. */
  readonly onItem = this.itemChanged.event;
  /** Every operation status change. */
  readonly onStatus = this.statusChanged.event;

  constructor(private readonly options: BulkEngineOptions) {
    if (options.adapters.length === 0) {
      throw new RangeError('Expected at least one engine adapter, got none');
    }
    for (const adapter of options.adapters) {
      this.adapters.set(adapter.hostName, adapter);
    }
    this.log = options.log ?? SILENT_LOGGER;
    // Every request in flight listens to the lifetime signal; hundreds at once is by design.
    setMaxListeners(0, this.lifetime.signal);
    this.context = this.makeContext();
  }

  /** The engine adapters, by host name. */
  get hosts(): readonly string[] {
    return [...this.adapters.keys()];
  }

  /**
   * Loads the history: operations that were running when the process died become
   * interrupted and can be resumed. Returns warnings about a damaged history file.
   */
  async loadHistory(): Promise<string[]> {
    const history = this.options.history;
    if (!history) return [];
    const { warnings } = await history.load();
    for (const record of history.markInterrupted()) {
      this.log.warn(`Operation ${record.id} (${record.kind}) was interrupted`);
    }
    await history.flush();
    return warnings;
  }

  /** Queues an operation on the targets it names, fixed now; returns at once. */
  submit(request: OperationRequest): OperationHandle {
    const items = this.itemsOf(request);
    const id = randomUUID();
    const run = new OperationRun(
      id,
      request.kind,
      request.options ?? {},
      request.label,
      Date.now(),
      items,
      request.priority ?? 0,
      'queued',
      this.contextFor(id),
    );
    this.runs.set(run.id, run);
    this.options.history?.recordOperation(run.toRecord());
    this.log.info(
      `Operation ${run.id} queued: ${request.kind} on ${request.targets.length} containers` +
        (request.skipped?.length ? `, ${request.skipped.length} skipped by the plan` : ''),
    );

    return { id: run.id, done: this.drive(run, () => run.start()) };
  }

  /** Every operation this engine knows, running first, then history, newest first. */
  list(): OperationRecord[] {
    const active = [...this.runs.values()].map((r) => r.toRecord());
    const seen = new Set(active.map((r) => r.id));
    const past = (this.options.history?.list() ?? []).filter((r) => !seen.has(r.id));
    return [...active.sort((a, b) => b.createdMs - a.createdMs), ...past];
  }

  get(id: string): OperationRecord | undefined {
    return this.runs.get(id)?.toRecord() ?? this.options.history?.get(id);
  }

  /**
   * The latest progress of an operation that runs, or of one of the last finished ones;
   * undefined for older ones, whose record `get` reads from the history.
   */
  snapshot(id: string): ProgressSnapshot | undefined {
    return this.runs.get(id)?.snapshot();
  }

  /** Stops dispatching now; the unsent items become cancelled. */
  cancel(id: string): void {
    const run = this.requireRun(id);
    run.cancel();
    this.retireIfIdle(run);
  }

  /** Answers the failure guard of an operation it paused. */
  decide(id: string, decision: GuardDecision): void {
    this.requireRun(id).decide(decision);
  }

  setPriority(id: string, priority: number): void {
    const run = this.requireRun(id);
    run.setPriority(priority);
    this.options.history?.recordStatus(id, run.status, { priority });
    this.retireIfIdle(run);
  }

  /**
   * Puts back every item the operation changed. Refused up front for removals, which
   * cannot be undone, and while the operation still runs.
   */
  rollback(id: string): Promise<OperationRecord> {
    const run = this.requireRun(id);
    if (!isReversible(run.kind)) {
      this.retireIfIdle(run);
      throw new OperationRefusedError(
        'A removal cannot be rolled back: removed containers are gone from the engine',
      );
    }
    if (run.isActive) {
      throw new OperationRefusedError('Cancel the operation before rolling it back');
    }
    this.unretire(run.id);
    return this.drive(run, () => run.rollback());
  }

  /** Runs the failed items again, or the given failed or cancelled ones. */
  retry(id: string, itemIds?: readonly string[]): Promise<OperationRecord> {
    const run = this.requireRun(id);
    if (run.isActive) {
      throw new OperationRefusedError('The operation is still running; retry when it ends');
    }
    this.unretire(run.id);
    return this.drive(run, () => run.retry(itemIds));
  }

  /** Runs what an interrupted operation left unfinished. */
  resume(id: string): Promise<OperationRecord> {
    const run = this.requireRun(id);
    if (run.status !== 'interrupted') {
      this.retireIfIdle(run);
      throw new OperationRefusedError(`Only an interrupted operation can be resumed`);
    }
    this.unretire(run.id);
    return this.drive(run, () => run.resume());
  }

  /** Waits until no operation runs. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.settled()));
  }

  /** Aborts every request in flight and writes the history out. */
  async dispose(): Promise<void> {
    for (const run of this.runs.values()) run.cancel();
    this.lifetime.abort(new Error('The engine is shutting down'));
    await this.options.history?.flush();
    this.progress.dispose();
    this.itemChanged.dispose();
    this.statusChanged.dispose();
  }

  private async drive(run: OperationRun, step: () => Promise<void>): Promise<OperationRecord> {
    await step();
    await this.options.history?.flush();
    const record = run.toRecord();
    await this.options.limitMemory?.operationEnded(record);
    const counts = countOutcomes(record);
    this.log.info(
      `Operation ${run.id} ${record.status}: ${counts} in ` +
        `${((record.endedMs ?? Date.now()) - (record.startedMs ?? record.createdMs)) / 1000} s`,
    );
    this.retireIfIdle(run);
    return record;
  }

  /**
   * Marks a run that has nothing left to do as finished, and drops the oldest finished runs
   * past `keepFinished`: a 1000-item run holds about 0.8 MB, and a long session runs many.
   * The history already holds each dropped run's record, to be read or rebuilt from.
   */
  private retireIfIdle(run: OperationRun): void {
    if (run.isActive || !FINAL_OPERATION_STATUSES.has(run.status)) return;
    this.unretire(run.id);
    this.finished.push(run.id);

    const keep = Math.max(0, this.options.keepFinished ?? DEFAULT_KEEP_FINISHED);
    while (this.finished.length > keep) {
      const id = this.finished.shift() as string;
      const old = this.runs.get(id);
      if (!old || old.isActive) continue;
      this.rememberWaves(old);
      this.runs.delete(id);
    }
  }

  /** Takes a run off the finished list, as it is about to run again. */
  private unretire(id: string): void {
    const at = this.finished.indexOf(id);
    if (at >= 0) this.finished.splice(at, 1);
  }

  // History records carry no waves; without them a retry of a dropped run would lose the
  // dependency order its plan gave. Only runs that had an order are kept, and few of them.
  private rememberWaves(run: OperationRun): void {
    if (run.items.every((item) => item.wave === 0)) return;
    this.droppedWaves.delete(run.id);
    const order = run.items.map((i) => [i.id, { wave: i.wave, chain: i.chain }] as const);
    this.droppedWaves.set(run.id, new Map(order));
    for (const id of this.droppedWaves.keys()) {
      if (this.droppedWaves.size <= MAX_REMEMBERED_WAVES) break;
      this.droppedWaves.delete(id);
    }
  }

  private itemsOf(request: OperationRequest): OperationItem[] {
    const items: OperationItem[] = request.targets.map((target, index) => ({
      id: target.id,
      name: target.name,
      host: target.host,
      before: target.state,
      wave: request.waves?.[index] ?? 0,
      chain: request.chains?.[index] ?? 0,
      state: 'queued',
      attempts: 0,
      uncertain: false,
    }));
    for (const { target, reason } of request.skipped ?? []) {
      items.push({
        id: target.id,
        name: target.name,
        host: target.host,
        before: target.state,
        wave: 0,
        chain: 0,
        state: 'skipped',
        attempts: 0,
        reason,
        uncertain: false,
      });
    }
    for (const item of items) {
      if (!this.adapters.has(item.host)) {
        throw new OperationRefusedError(
          `Container ${item.name} is on ${item.host}, which is not a connected engine`,
        );
      }
    }
    return items;
  }

  private requireRun(id: string): OperationRun {
    const existing = this.runs.get(id);
    if (existing) return existing;

    const record = this.options.history?.get(id);
    if (!record) {
      throw new OperationRefusedError(`No operation with id ${id}`);
    }
    // An operation from an earlier session, or one dropped from memory when it finished:
    // rebuild it so it can be retried, rolled back or resumed. An item that failed because
    // its answer was lost may have been done: a retry checks first.
    const waves = this.droppedWaves.get(id);
    const items: OperationItem[] = record.items.map((i) => ({
      ...i,
      wave: waves?.get(i.id)?.wave ?? 0,
      chain: waves?.get(i.id)?.chain ?? 0,
      uncertain: i.state === 'failed' && LOST_ANSWER_CODES.has(i.error?.code ?? ''),
    }));
    const run = new OperationRun(
      record.id,
      record.kind,
      record.options,
      record.label,
      record.createdMs,
      items,
      record.priority,
      record.status,
      this.contextFor(record.id),
    );
    this.runs.set(id, run);
    return run;
  }

  private makeContext(): RunContext {
    const history = this.options.history;
    return {
      adapterFor: (host) => this.adapterFor(host),
      queueFor: (host) => this.queueFor(host),
      healthFor: (host) => this.healthFor(host),
      limiterFor: (host, kind, options) => this.limiterFor(host, kind, options),
      retry: this.options.retry ?? DEFAULT_RETRY_POLICY,
      guard: { ...DEFAULT_FAILURE_GUARD, ...this.options.guard },
      lifetime: this.lifetime.signal,
      log: this.log,
      onItem: (run, item) => {
        history?.recordItem(run.id, item);
        this.itemChanged.fire({ operationId: run.id, item });
      },
      onStatus: (run) => {
        history?.recordStatus(run.id, run.status, run.times());
        this.statusChanged.fire({ operationId: run.id, status: run.status });
      },
      onProgress: (snapshot) => this.progress.fire(snapshot),
    };
  }

  private adapterFor(host: string): ContainerEngine {
    const adapter = this.adapters.get(host);
    if (!adapter) throw new OperationRefusedError(`No engine named ${host}`);
    return adapter;
  }

  private queueFor(host: string): EngineQueue {
    let queue = this.queues.get(host);
    if (!queue) {
      queue = new EngineQueue(host, this.options.hostCap ?? DEFAULT_HOST_CAP);
      this.queues.set(host, queue);
    }
    return queue;
  }

  private healthFor(host: string): EngineHealth {
    let health = this.health.get(host);
    if (!health) {
      health = new EngineHealth(
        this.adapterFor(host),
        this.lifetime.signal,
        this.options.maxOutageMs ?? DEFAULT_MAX_OUTAGE_MS,
      );
      health.onDidChange((problem) => {
        if (problem) this.log.warn(problem);
        else this.log.info(`The Docker engine ${host} answers again`);
      });
      this.health.set(host, health);
    }
    return health;
  }

  private limiterFor(
    host: string,
    kind: OperationKind,
    options: OperationOptions,
    fromMemory?: LimiterFactory,
  ): ConcurrencyLimiter {
    const pinned = options.concurrency ?? this.options.concurrency?.[kind];
    const factory = fromMemory ?? this.options.limiterFactory;
    if (pinned !== undefined || !factory) {
      return new FixedLimiter(clampConcurrency(pinned, kind));
    }
    return factory(host, kind, options);
  }

  // With a limit memory each run gets its own limiterFor, so that the memory knows which
  // limiters a run used and can learn from them when it ends.
  private contextFor(operationId: string): RunContext {
    const memory = this.options.limitMemory;
    if (!memory) return this.context;
    const fromMemory = memory.limiterFactory(operationId);
    return {
      ...this.context,
      limiterFor: (host, kind, options) => this.limiterFor(host, kind, options, fromMemory),
    };
  }

  private listenerFailed(error: unknown): void {
    this.log.error(`A progress listener failed: ${String(error)}`);
  }
}

/** Error codes of a request whose answer never came: the engine may have acted on it. */
const LOST_ANSWER_CODES: ReadonlySet<string> = new Set(['UNREACHABLE', 'TIMEOUT']);

function countOutcomes(record: OperationRecord): string {
  const counts = new Map<string, number>();
  for (const item of record.items) counts.set(item.state, (counts.get(item.state) ?? 0) + 1);
  return [...counts.entries()].map(([state, n]) => `${n} ${state}`).join(', ') || 'no items';
}
