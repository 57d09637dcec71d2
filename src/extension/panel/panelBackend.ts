import type { ItemRecord, ProgressSnapshot } from '../../engine/model/operation';
import type {
  ActiveOperationView,
  GuardDecision,
  HistorySummary,
  OperationItems,
  PerfSample,
} from './panelProtocol';

/** What changed in the engine since the last event; the panel coalesces these. */
export interface PanelChange {
  /** Progress of operations that moved, newest per operation. */
  readonly snapshots: readonly ProgressSnapshot[];
  /** Items whose state changed, grouped by operation. */
  readonly items: readonly OperationItems[];
  /** True when an operation entered or left the history, or the history was cleared. */
  readonly historyChanged: boolean;
}

/**
 * What the Operations panel needs from the engine. The panel knows nothing else of it;
 * every action resolves once the engine accepted it and rejects with a coded error.
 */
export interface PanelBackend {
  /**
   * Operations queued, running or paused, and the history newest first, as one consistent
   * view. Past operations include interrupted ones, which the panel offers to resume.
   */
  getState(): { active: readonly ActiveOperationView[]; history: readonly HistorySummary[] };
  /** Every item of an operation, active or past, or undefined when it is unknown. */
  getItems(operationId: string): readonly ItemRecord[] | undefined;
  /** Throughput series, request latency, host loop delay, memory and concurrency limit. */
  getPerf(): PerfSample;
  /** Subscribes to engine changes; events may come far more often than the panel posts. */
  onDidChange(listener: (change: PanelChange) => void): { dispose(): void };
  cancel(operationId: string): Promise<void>;
  /** Retries the given items, or every failed item when none are given. */
  retry(operationId: string, itemIds?: readonly string[]): Promise<void>;
  rollback(operationId: string): Promise<void>;
  decide(operationId: string, decision: GuardDecision): Promise<void>;
  setPriority(operationId: string, priority: number): Promise<void>;
  /** Queues a new operation of the same kind on the same targets. */
  rerun(operationId: string): Promise<void>;
  /** Continues an interrupted operation with the items it had not finished. */
  resume(operationId: string): Promise<void>;
  clearHistory(): Promise<void>;
}
