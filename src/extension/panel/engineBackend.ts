import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

import type { HistoryStore } from '../../engine/history/historyStore';
import {
  emptyCounts,
  FINAL_ITEM_STATES,
  FINAL_OPERATION_STATUSES,
  type ItemRecord,
  type OperationRecord,
  type ProgressSnapshot,
} from '../../engine/model/operation';
import type { BulkEngine } from '../../engine/operation/bulkEngine';
import { DEFAULT_HOST_CAP } from '../../engine/queue/concurrencyDefaults';
import type { Logger } from '../../engine/util/logger';
import type { PanelBackend, PanelChange } from './panelBackend';
import type {
  ActiveOperationView,
  GuardDecision,
  HistorySummary,
  PerfSample,
  ThroughputPoint,
} from './panelProtocol';

/** What the backend needs besides the engine: history, and how to run an operation again. */
export interface EngineBackendOptions {
  readonly history: HistoryStore;
  /** Plans and submits the operation's kind on its targets again, as a command would. */
  readonly rerun: (record: OperationRecord) => Promise<void>;
  readonly log: Logger;
}

// One point per second for the last ten minutes.
const SERIES_SECONDS = 600;
const NO_LATENCY = { p50: 0, p95: 0, p99: 0 };

type Listener = (change: PanelChange) => void;

/**
 * The Operations panel's view of a BulkEngine. It follows whichever engine the current
 * session has (`follow`), turns engine events into panel changes, and keeps the
 * throughput series and the host's event-loop delay for the performance monitor.
 */
export class EngineBackend implements PanelBackend {
  private engine: BulkEngine | undefined;
  private engineSubscriptions: { dispose(): void }[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly latest = new Map<string, ProgressSnapshot>();
  private readonly finishedPerSecond = new Map<number, number>();
  private readonly loopDelay: IntervalHistogram;

  constructor(private readonly options: EngineBackendOptions) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
  }

  /** Switches to the engine of a new session; the panel then sees its operations. */
  follow(engine: BulkEngine | undefined): void {
    for (const subscription of this.engineSubscriptions) subscription.dispose();
    this.latest.clear();
    this.engine = engine;
    this.engineSubscriptions = engine === undefined ? [] : [
      engine.onProgress((snapshot) => {
        this.latest.set(snapshot.operationId, snapshot);
        this.emit({ snapshots: [snapshot], items: [], historyChanged: false });
      }),
      engine.onItem(({ operationId, item }) => {
        if (FINAL_ITEM_STATES.has(item.state)) this.countFinished();
        const items = [{ operationId, items: [item] }];
        this.emit({ snapshots: [], items, historyChanged: false });
      }),
      engine.onStatus(({ operationId, status }) => {
        const snapshot = engine.snapshot(operationId);
        if (snapshot) this.latest.set(operationId, snapshot);
        const final = FINAL_OPERATION_STATUSES.has(status);
        if (final) this.latest.delete(operationId);
        this.emit({ snapshots: snapshot ? [snapshot] : [], items: [], historyChanged: final });
      }),
    ];
    this.emit({ snapshots: [], items: [], historyChanged: true });
  }

  getState(): { active: ActiveOperationView[]; history: HistorySummary[] } {
    const active: ActiveOperationView[] = [];
    const history: HistorySummary[] = [];
    for (const record of this.engine?.list() ?? []) {
      const snapshot = FINAL_OPERATION_STATUSES.has(record.status)
        ? undefined
        : this.engine?.snapshot(record.id);
      if (snapshot !== undefined) {
        active.push({
          snapshot,
          createdMs: record.createdMs,
          ...(record.label === undefined ? {} : { label: record.label }),
        });
      } else {
        history.push(summarize(record));
      }
    }
    return { active, history };
  }

  getItems(operationId: string): readonly ItemRecord[] | undefined {
    return this.engine?.get(operationId)?.items;
  }

  getPerf(): PerfSample {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    const throughput: ThroughputPoint[] = [];
    for (let s = second - SERIES_SECONDS + 1; s <= second; s++) {
      throughput.push({ atMs: s * 1000, itemsPerSecond: this.finishedPerSecond.get(s) ?? 0 });
    }

    const active = [...this.latest.values()];
    const latencyMs = active.length === 0 ? NO_LATENCY : {
      p50: Math.max(...active.map((s) => s.latencyMs.p50)),
      p95: Math.max(...active.map((s) => s.latencyMs.p95)),
      p99: Math.max(...active.map((s) => s.latencyMs.p99)),
    };
    const loopDelayMs = {
      p50: nanosToMs(this.loopDelay.percentile(50)),
      p99: nanosToMs(this.loopDelay.percentile(99)),
    };
    this.loopDelay.reset();
    const memory = process.memoryUsage();
    const concurrency = active.reduce((sum, s) => sum + s.concurrency, 0);

    return {
      atMs: now,
      throughput,
      latencyMs,
      loopDelayMs,
      memory: { heapUsedBytes: memory.heapUsed, rssBytes: memory.rss },
      concurrencyLimit: Math.min(DEFAULT_HOST_CAP, concurrency),
    };
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  cancel(operationId: string): Promise<void> {
    return run(() => this.require().cancel(operationId));
  }

  retry(operationId: string, itemIds?: readonly string[]): Promise<void> {
    return run(() => this.background(this.require().retry(operationId, itemIds)));
  }

  rollback(operationId: string): Promise<void> {
    return run(() => this.background(this.require().rollback(operationId)));
  }

  decide(operationId: string, decision: GuardDecision): Promise<void> {
    return run(() => this.require().decide(operationId, decision));
  }

  setPriority(operationId: string, priority: number): Promise<void> {
    return run(() => this.require().setPriority(operationId, priority));
  }

  async rerun(operationId: string): Promise<void> {
    const record = this.require().get(operationId);
    if (record === undefined) throw new Error(`No operation ${operationId}`);
    await this.options.rerun(record);
  }

  resume(operationId: string): Promise<void> {
    return run(() => this.background(this.require().resume(operationId)));
  }

  async clearHistory(): Promise<void> {
    await this.options.history.clear();
    this.emit({ snapshots: [], items: [], historyChanged: true });
  }

  dispose(): void {
    this.follow(undefined);
    this.listeners.clear();
    this.loopDelay.disable();
  }

  // The panel follows a retry, rollback or resume through engine events once it was
  // accepted; only a failure of the engine itself ends up here, and it goes to the log.
  private background(done: Promise<unknown>): void {
    done.catch((error: unknown) => {
      this.options.log.error(`[panel] an operation failed to run: ${String(error)}`);
    });
  }

  private require(): BulkEngine {
    if (this.engine === undefined) {
      throw new Error('Stevedore is not connected to a Docker engine');
    }
    return this.engine;
  }

  private countFinished(): void {
    const second = Math.floor(Date.now() / 1000);
    this.finishedPerSecond.set(second, (this.finishedPerSecond.get(second) ?? 0) + 1);
    // Forget seconds that fell out of the window, so the map stays bounded.
    if (this.finishedPerSecond.size > SERIES_SECONDS + 10) {
      for (const key of this.finishedPerSecond.keys()) {
        if (key <= second - SERIES_SECONDS) this.finishedPerSecond.delete(key);
      }
    }
  }

  private emit(change: PanelChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}

/**
 * Runs an engine action that throws synchronously when it is refused (and otherwise goes
 * on in the background, where the panel follows it through events), as a promise.
 */
function run(action: () => void): Promise<void> {
  try {
    action();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error);
  }
}

function summarize(record: OperationRecord): HistorySummary {
  const counts = emptyCounts();
  for (const item of record.items) counts[item.state] += 1;
  return {
    operationId: record.id,
    kind: record.kind,
    status: record.status,
    total: record.items.length,
    counts,
    createdMs: record.createdMs,
    ...(record.label === undefined ? {} : { label: record.label }),
    ...(record.startedMs === undefined ? {} : { startedMs: record.startedMs }),
    ...(record.endedMs === undefined ? {} : { endedMs: record.endedMs }),
  };
}

function nanosToMs(nanos: number): number {
  return Number.isFinite(nanos) ? Math.round(nanos / 1e4) / 100 : 0;
}
