import type { ContainerEngine } from '../docker/containerEngine';
import {
  EngineError,
  isEngineDown,
  toErrorInfo,
} from '../docker/engineErrors';
import type {
  HostProgress,
  ItemRecord,
  ItemState,
  OperationKind,
  OperationOptions,
  OperationRecord,
  OperationStatus,
  ProgressSnapshot,
} from '../model/operation';
import { emptyCounts, FINAL_OPERATION_STATUSES } from '../model/operation';
import type { ConcurrencyLimiter } from '../queue/concurrencyLimiter';
import type { EngineQueue } from '../queue/engineQueue';
import { LatencyReservoir } from '../progress/latencyReservoir';
import { RateWindow } from '../progress/rateWindow';
import { AbortError, isAbortError, sleep } from '../util/abort';
import type { Logger } from '../util/logger';
import { Wakeup } from '../util/wakeup';
import type { EngineHealth } from './engineHealth';
import type { FailureGuardOptions } from './failureGuard';
import { HostLane } from './hostLane';
import { attemptItem, type Phase } from './attemptItem';
import { DependencyQueue } from './dependencyQueue';
import { groupByHost } from './groupItems';
import { type OperationItem, toItemRecord } from './operationItem';
import { backoffDelay, type RetryPolicy } from './retryPolicy';

/** What the failure guard asks the user to choose. */
export type GuardDecision = 'continue' | 'cancel' | 'rollback';

/** Everything a run needs from the engine around it, for one engine host per item. */
export interface RunContext {
  adapterFor(host: string): ContainerEngine;
  queueFor(host: string): EngineQueue;
  healthFor(host: string): EngineHealth;
  limiterFor(host: string, kind: OperationKind, options: OperationOptions): ConcurrencyLimiter;
  readonly retry: RetryPolicy;
  readonly guard: FailureGuardOptions;
  /** Aborts every request of every operation: the engine is being disposed. */
  readonly lifetime: AbortSignal;
  readonly log: Logger;
  onItem(run: OperationRun, item: ItemRecord): void;
  onStatus(run: OperationRun): void;
  onProgress(snapshot: ProgressSnapshot): void;
}


const SNAPSHOT_INTERVAL_MS = 100;

/**
 * One bulk operation: its items, its state machine and its dispatch loop. Items go to the
 * engine through the host's shared queue, at most `limiter.limit` of this operation's at a
 * time, in dependency order. Cancelling stops dispatch at once; requests already sent finish
 * and report what the engine really did, because the Engine API cannot take back a stop or
 * a start it has begun.
 */
export class OperationRun {
  readonly items: OperationItem[];
  private readonly byId = new Map<string, OperationItem>();
  private readonly counts = emptyCounts();
  private statusValue: OperationStatus;
  private priorityValue: number;
  private startedMs: number | undefined;
  private endedMs: number | undefined;
  private phaseStartedMs = 0;
  private cancelRequested = false;
  /** Cancel or roll back, once the user answered the failure guard with one of them. */
  private decision: GuardDecision | undefined;
  private readonly wakeup = new Wakeup();
  /** One lane per engine host, in the order the hosts first appear in the items. */
  private readonly lanes = new Map<string, HostLane>();
  /**
   * Items with no request at the engine whose earlier answers all said "not done": waiting
   * for a slot in the host's queue or for a retry. `cancel` withdraws them through these.
   */
  private readonly unsent = new Map<OperationItem, AbortController>();
  private readonly latency = new LatencyReservoir();
  private readonly rate = new RateWindow();
  private snapshotTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private active: Promise<void> | undefined;
  private phase: Phase = 'forward';

  constructor(
    readonly id: string,
    readonly kind: OperationKind,
    readonly options: OperationOptions,
    readonly label: string | undefined,
    readonly createdMs: number,
    items: OperationItem[],
    priority: number,
    status: OperationStatus,
    private readonly context: RunContext,
  ) {
    this.items = items;
    this.priorityValue = priority;
    this.statusValue = status;
    const guard = {
      ...context.guard,
      threshold: options.failureThreshold ?? context.guard.threshold,
    };
    for (const item of items) {
      this.byId.set(item.id, item);
      this.counts[item.state] += 1;
      let lane = this.lanes.get(item.host);
      if (lane === undefined) {
        lane = new HostLane(item.host, guard);
        this.lanes.set(item.host, lane);
      }
      lane.addItem(item.state);
    }
  }

  get status(): OperationStatus {
    return this.statusValue;
  }

  get priority(): number {
    return this.priorityValue;
  }

  get isActive(): boolean {
    return this.active !== undefined;
  }

  /** Items still waiting or in flight. */
  get remaining(): number {
    return this.counts.queued + this.counts.running;
  }

  /** Resolves when the current phase, if any, has ended. */
  async settled(): Promise<void> {
    while (this.active) await this.active;
  }

  /** Start, end and priority, cheaply, for status records. */
  times(): { startedMs?: number; endedMs?: number; priority: number } {
    return { startedMs: this.startedMs, endedMs: this.endedMs, priority: this.priorityValue };
  }

  item(id: string): OperationItem | undefined {
    return this.byId.get(id);
  }

  /** Runs the items that are queued; resolves when none is left to run. */
  start(): Promise<void> {
    return this.launch('forward', this.items.filter((i) => i.state === 'queued'));
  }

  /**
   * Stops dispatching and marks every item not yet sent as cancelled, at once: those not
   * dispatched, those waiting in the host's queue and those waiting for a retry. Items in
   * flight, and items whose last answer was lost (the engine may have acted), finish with
   * their real outcome. Also answers a waiting failure guard.
   */
  cancel(): void {
    if (FINAL_OPERATION_STATUSES.has(this.statusValue) && !this.active) return;
    this.cancelRequested = true;
    // A cancelled rollback leaves the items it did not reach as they were: succeeded.
    const unsent: ItemState = this.phase === 'rollback' ? 'succeeded' : 'cancelled';
    for (const item of this.items) {
      if (item.state === 'queued') {
        this.setState(item, unsent);
      }
    }
    for (const [item, withdraw] of this.unsent) {
      this.setState(item, unsent);
      withdraw.abort(new AbortError('Cancelled before it was sent'));
    }
    this.unsent.clear();
    this.wakeup.notify();
  }

  /** Answers the failure guard while it holds the operation. */
  decide(decision: GuardDecision): void {
    if (this.statusValue !== 'guarded') {
      throw new Error(`Operation ${this.id} is not waiting for a decision`);
    }
    if (decision === 'continue') {
      // Every host the guard holds goes on, counting its failures afresh from here.
      for (const lane of this.lanes.values()) {
        if (lane.guardReason === undefined) continue;
        lane.guardReason = undefined;
        lane.rearmGuard();
      }
      this.setStatus('running');
    } else {
      this.decision = decision;
      this.cancel();
    }
    this.wakeup.notify();
  }

  /** Changes the priority; requests not yet sent use it. */
  setPriority(priority: number): void {
    this.priorityValue = priority;
    this.markDirty();
  }

  /** Puts every succeeded item back to the state it had; resolves when done. */
  async rollback(): Promise<void> {
    await this.active;
    const targets = this.items.filter((i) => i.state === 'succeeded');
    for (const item of targets) {
      this.setState(item, 'queued');
    }
    await this.launch('rollback', targets);
  }

  /** Runs failed items again (or the given failed or cancelled ones). */
  async retry(itemIds?: readonly string[]): Promise<void> {
    await this.active;
    const wanted = itemIds ? new Set(itemIds) : undefined;
    const targets = this.items.filter((i) =>
      wanted ? wanted.has(i.id) && (i.state === 'failed' || i.state === 'cancelled')
        : i.state === 'failed',
    );
    for (const item of targets) {
      item.error = undefined;
      this.setState(item, 'queued');
    }
    await this.launch('forward', targets);
  }

  /**
   * Runs the items an interrupted operation left unfinished. Items that were in flight
   * when the process died may have been acted on, so they are checked first.
   */
  async resume(): Promise<void> {
    await this.active;
    const targets = this.items.filter((i) => i.state === 'queued' || i.state === 'running');
    for (const item of targets) {
      if (item.state === 'running') {
        item.uncertain = true;
      }
      this.setState(item, 'queued');
    }
    await this.launch('forward', targets);
  }

  /** The aggregate view the UI shows, every 100 ms while running. */
  snapshot(nowMs = Date.now()): ProgressSnapshot {
    const rate = this.rate.perSecond(nowMs);
    const remaining = this.remaining;
    const start = this.startedMs ?? nowMs;
    return {
      operationId: this.id,
      kind: this.kind,
      status: this.statusValue,
      priority: this.priorityValue,
      total: this.items.length,
      counts: { ...this.counts },
      ratePerSecond: Math.round(rate * 10) / 10,
      etaMs: remaining === 0 ? 0 : rate > 0 ? Math.round((remaining / rate) * 1000) : undefined,
      elapsedMs: (this.endedMs ?? nowMs) - start,
      concurrency: this.currentLimit(),
      latencyMs: this.latency.percentiles(),
      guardReason: this.guardReason(),
      engineProblem: this.engineProblem(),
      ...(this.lanes.size > 1 ? { hosts: this.hostProgress(nowMs) } : {}),
    };
  }

  private hostProgress(nowMs: number): HostProgress[] {
    return [...this.lanes.values()].map((lane) => ({
      host: lane.host,
      total: lane.size,
      counts: { ...lane.counts },
      ratePerSecond: Math.round(lane.rate.perSecond(nowMs) * 10) / 10,
      concurrency: lane.limit,
      guardReason: lane.guardReason,
      engineProblem: this.context.healthFor(lane.host).problem,
    }));
  }

  /** The operation as plain data, for history and callers. */
  toRecord(): OperationRecord {
    return {
      id: this.id,
      kind: this.kind,
      label: this.label,
      priority: this.priorityValue,
      options: this.options,
      status: this.statusValue,
      createdMs: this.createdMs,
      startedMs: this.startedMs,
      endedMs: this.endedMs,
      items: this.items.map(toItemRecord),
    };
  }

  private launch(phase: Phase, targets: OperationItem[]): Promise<void> {
    const run = this.execute(phase, targets).finally(() => {
      this.active = undefined;
    });
    this.active = run;
    return run;
  }

  private async execute(phase: Phase, targets: OperationItem[]): Promise<void> {
    this.phase = phase;
    this.cancelRequested = false;
    this.decision = undefined;
    for (const lane of this.lanes.values()) {
      lane.guardReason = undefined;
      lane.rearmGuard();
      lane.rate.reset();
    }
    this.rate.reset();
    this.phaseStartedMs = Date.now();
    this.startedMs ??= this.phaseStartedMs;
    this.endedMs = undefined;
    this.setStatus(phase === 'rollback' ? 'rollingBack' : targets.length ? 'queued' : 'running');
    this.startSnapshots();

    try {
      // Hosts go on side by side, each through its own waves: compose dependencies never
      // span engines, and one engine that is down must not hold back the others.
      await Promise.all([...groupByHost(targets)].map(([host, items]) =>
        this.dispatchHost(phase, this.laneOf(host), items)));
    } finally {
      this.stopSnapshots();
    }

    if (this.decision === 'rollback' && phase === 'forward') {
      this.finish('cancelled');
      await this.launch('rollback', this.requeueSucceeded());
      return;
    }
    this.finish(this.finalStatus(phase));
  }

  private requeueSucceeded(): OperationItem[] {
    const targets = this.items.filter((i) => i.state === 'succeeded');
    for (const item of targets) {
      this.setState(item, 'queued');
    }
    return targets;
  }

  private finalStatus(phase: Phase): OperationStatus {
    if (phase === 'rollback') return 'rolledBack';
    if (this.cancelRequested) return 'cancelled';
    return this.counts.failed > 0 ? 'failed' : 'completed';
  }

  private finish(status: OperationStatus): void {
    this.endedMs = Date.now();
    this.setStatus(status);
    this.context.onProgress(this.snapshot());
  }

  /**
   * Sends one host's items in dependency order. A rollback undoes in reverse order: the
   * dependents a start brought up last are stopped first.
   */
  private async dispatchHost(phase: Phase, lane: HostLane, items: OperationItem[]): Promise<void> {
    const queued = items.filter((item) => item.state === 'queued');
    const order = new DependencyQueue(queued, phase === 'rollback' ? 'reverse' : 'forward');
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const item = order.next();
      if (item === undefined) {
        // Nothing released: the next wave of a chain waits for what is still in flight.
        if (inFlight.size === 0) break;
        await this.wakeup.wait();
        continue;
      }
      if (item.state !== 'queued') {
        order.done(item);
        continue;
      }
      const ready = await this.waitForSlot(lane);
      if (!ready) break;

      const task = this.runItem(phase, item).finally(() => {
        inFlight.delete(task);
        lane.inFlight -= 1;
        order.done(item);
        this.wakeup.notify();
      });
      inFlight.add(task);
      lane.inFlight += 1;
    }
    await Promise.all(inFlight);
  }

  /**
   * Waits until this operation may send one more request to the lane's host: below its
   * limit, not held by the failure guard, and the engine answering. False when cancelled.
   */
  private async waitForSlot(lane: HostLane): Promise<boolean> {
    const host = lane.host;
    for (;;) {
      if (this.cancelRequested || this.context.lifetime.aborted) return false;

      const reason = lane.guardReason ?? lane.checkGuard();
      if (reason) {
        await this.holdForDecision(lane, reason);
        continue;
      }

      const health = this.context.healthFor(host);
      if (health.isDown && !health.hasGivenUp) {
        this.markDirty();
        await Promise.race([this.wakeup.wait(), sleep(250, this.context.lifetime)]).catch(
          () => undefined,
        );
        continue;
      }

      if (lane.inFlight < this.limiterOf(host).limit) return true;
      await this.wakeup.wait();
    }
  }

  /**
   * Holds one host's dispatch until the user decides; other hosts go on meanwhile. The
   * operation shows as guarded while any host is held.
   */
  private async holdForDecision(lane: HostLane, reason: string): Promise<void> {
    lane.guardReason = reason;
    this.setStatus('guarded');
    const where = this.lanes.size > 1 ? ` on ${lane.host}` : '';
    this.context.log.warn(`Operation ${this.id} paused by the failure guard${where}: ${reason}`);
    this.context.onProgress(this.snapshot());

    // `decide` releases the lane; a plain `cancel` ends the wait as "cancel" would.
    while (
      lane.guardReason !== undefined &&
      !this.cancelRequested &&
      !this.context.lifetime.aborted
    ) {
      await Promise.race([this.wakeup.wait(), sleep(1000, this.context.lifetime)]).catch(
        () => undefined,
      );
    }
    lane.guardReason = undefined;
  }

  /** The guard's reasons, with the host named when the operation spans several. */
  private guardReason(): string | undefined {
    const held = [...this.lanes.values()].filter((lane) => lane.guardReason !== undefined);
    if (held.length === 0) return undefined;
    if (this.lanes.size === 1) return held[0]!.guardReason;
    return held.map((lane) => `${lane.host}: ${lane.guardReason!}`).join('; ');
  }

  /** Runs one item to a final state, with retries for transient failures. */
  private async runItem(phase: Phase, item: OperationItem): Promise<void> {
    // Aborted by `cancel` only while nothing is at the engine for the item (the queue races
    // a running task against it), and by disposal, which aborts requests in flight too.
    const withdraw = new AbortController();
    const lifetime = this.context.lifetime;
    const onEnd = (): void => withdraw.abort(lifetime.reason);
    if (lifetime.aborted) onEnd();
    lifetime.addEventListener('abort', onEnd, { once: true });
    try {
      await this.runAttempts(phase, item, withdraw);
    } finally {
      this.unsent.delete(item);
      lifetime.removeEventListener('abort', onEnd);
    }
  }

  private async runAttempts(
    phase: Phase,
    item: OperationItem,
    withdraw: AbortController,
  ): Promise<void> {
    const host = item.host;
    const began = Date.now();
    // Retries are counted per run, so a user's retry gets the whole budget again.
    const firstAttempt = item.attempts;
    this.setState(item, 'running');
    if (this.statusValue === 'queued') this.setStatus('running');

    for (;;) {
      item.attempts += 1;
      const sentAt = Date.now();
      const inFlight = this.laneOf(host).inFlight;
      if (!item.uncertain) this.unsent.set(item, withdraw);
      try {
        const outcome = await this.context.queueFor(host).run(
          (signal) => {
            this.unsent.delete(item);
            return attemptItem(
              this.context.adapterFor(host), phase, this.kind, this.options, item, signal);
          },
          this.priorityValue,
          withdraw.signal,
        );
        this.recordSample(host, sentAt, true, false, inFlight);
        this.context.healthFor(host).reportAnswered();
        this.complete(item, phase === 'rollback' ? 'rolledBack' : outcome, began);
        return;
      } catch (error) {
        // `cancel` withdrew it before it was sent and has already set its final state.
        if (item.state !== 'running') return;
        const down = isEngineDown(error);
        const answered = !down && !(error instanceof EngineError && error.code === 'SERVER');
        this.recordSample(host, sentAt, answered, down, inFlight);
        if (down) item.uncertain = true;
        // Any status from the engine, an error too, shows that requests get answers again.
        else if (error instanceof EngineError) this.context.healthFor(host).reportAnswered();

        if (this.context.lifetime.aborted || isAbortError(error)) {
          this.complete(item, 'cancelled', began);
          return;
        }
        const retryable = error instanceof EngineError && error.retryable;
        if (!retryable || item.attempts - firstAttempt > this.context.retry.retries) {
          this.fail(item, phase, error, began);
          return;
        }
        if (!item.uncertain) this.unsent.set(item, withdraw);
        const retry = item.attempts - firstAttempt;
        if (!(await this.waitBeforeRetry(item, error, retry, withdraw.signal))) {
          if (item.state !== 'running') return;
          this.fail(item, phase, error, began);
          return;
        }
      }
    }
  }

  private async waitBeforeRetry(
    item: OperationItem,
    error: unknown,
    retry: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    try {
      if (isEngineDown(error)) {
        const health = this.context.healthFor(item.host);
        health.reportDown(error as Error);
        this.markDirty();
        await health.waitUntilUp(signal);
        // The outage was not this item's fault; do not spend its retries on it.
        item.attempts = Math.max(0, item.attempts - 1);
        return true;
      }
      await sleep(backoffDelay(this.context.retry, retry), signal);
      return true;
    } catch {
      return false;
    }
  }

  private fail(item: OperationItem, phase: Phase, error: unknown, began: number): void {
    const info = toErrorInfo(error);
    item.error = phase === 'rollback'
      ? { ...info, message: `Rollback failed: ${info.message}` }
      : info;
    this.context.log.warn(`${this.kind} ${item.name} failed: ${item.error.message}`);
    this.complete(item, 'failed', began);
    // A request whose answer was lost may still have been carried out (a removal that went
    // through just before the daemon died). Stay uncertain, so that a retry looks at the
    // container first instead of failing it as "not found" or doing it twice.
    item.uncertain = isEngineDown(error);
  }

  private complete(item: OperationItem, state: ItemState, began: number): void {
    const now = Date.now();
    item.durationMs = now - began;
    item.uncertain = false;
    if (state !== 'cancelled') {
      this.latency.add(item.durationMs);
      this.rate.add(now);
      this.laneOf(item.host).rate.add(now);
    }
    this.setState(item, state);
  }

  private recordSample(
    host: string,
    sentAt: number,
    ok: boolean,
    overloaded: boolean,
    inFlight: number,
  ): void {
    const latencyMs = Date.now() - sentAt;
    this.limiterOf(host).record({ latencyMs, ok, overloaded, inFlight });
  }

  private limiterOf(host: string): ConcurrencyLimiter {
    return this.laneOf(host).limiter(() =>
      this.context.limiterFor(host, this.kind, this.options));
  }

  private laneOf(host: string): HostLane {
    const lane = this.lanes.get(host);
    // Items never change host, and every host got its lane when the run was made.
    if (lane === undefined) throw new Error(`Operation ${this.id} has no items on ${host}`);
    return lane;
  }

  private currentLimit(): number {
    let total = 0;
    for (const lane of this.lanes.values()) total += lane.limit;
    return total;
  }

  private engineProblem(): string | undefined {
    const problems: string[] = [];
    for (const host of this.lanes.keys()) {
      const problem = this.context.healthFor(host).problem;
      if (problem) problems.push(problem);
    }
    return problems.length > 0 ? problems.join('; ') : undefined;
  }

  private setState(item: OperationItem, state: ItemState): void {
    if (item.state === state) return;
    this.counts[item.state] -= 1;
    this.counts[state] += 1;
    this.laneOf(item.host).move(item.state, state);
    item.state = state;
    if (state === 'queued') item.reason = undefined;
    this.markDirty();
    this.context.onItem(this, toItemRecord(item));
  }

  private setStatus(status: OperationStatus): void {
    if (this.statusValue === status) return;
    this.statusValue = status;
    this.markDirty();
    this.context.onStatus(this);
  }

  private markDirty(): void {
    this.dirty = true;
  }

  private startSnapshots(): void {
    this.stopSnapshots();
    let quietTicks = 0;
    // Every tick while items move, since rate, ETA and elapsed time change even when no item
    // does; once a second while the guard waits for a person and nothing else changes.
    this.snapshotTimer = setInterval(() => {
      quietTicks += 1;
      if (!this.dirty && this.statusValue === 'guarded' && quietTicks < 10) return;
      quietTicks = 0;
      this.dirty = false;
      this.context.onProgress(this.snapshot());
    }, SNAPSHOT_INTERVAL_MS);
    // Not unref'd: while a phase runs, it keeps the process alive. Every other wait of an
    // operation (an engine outage, the failure guard) sleeps on unref'd timers, and a CLI
    // awaiting `done` would otherwise exit with code 0 and no result in the middle of one.
  }

  private stopSnapshots(): void {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
  }
}
