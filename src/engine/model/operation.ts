import type { ContainerState } from './container';

/** The bulk actions Stevedore runs. */
export type OperationKind =
  | 'start'
  | 'stop'
  | 'restart'
  | 'kill'
  | 'pause'
  | 'unpause'
  | 'remove';

export const OPERATION_KINDS: readonly OperationKind[] = [
  'start',
  'stop',
  'restart',
  'kill',
  'pause',
  'unpause',
  'remove',
];

/**
 * Where one item stands. `skipped` means the engine needed nothing done (a 304, or a
 * planner no-op); `rolledBack` means it succeeded and was later put back.
 */
export type ItemState =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'skipped'
  | 'failed'
  | 'cancelled'
  | 'rolledBack';

export const ITEM_STATES: readonly ItemState[] = [
  'queued',
  'running',
  'succeeded',
  'skipped',
  'failed',
  'cancelled',
  'rolledBack',
];

/** Item states that will not change again unless the user retries or rolls back. */
export const FINAL_ITEM_STATES: ReadonlySet<ItemState> = new Set([
  'succeeded',
  'skipped',
  'failed',
  'cancelled',
  'rolledBack',
]);

/**
 * Where an operation stands. `guarded` means the failure guard paused it and it waits
 * for continue, cancel or roll back; `interrupted` means the process died while it ran.
 */
export type OperationStatus =
  | 'queued'
  | 'running'
  | 'guarded'
  | 'rollingBack'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'rolledBack'
  | 'interrupted';

export const FINAL_OPERATION_STATUSES: ReadonlySet<OperationStatus> = new Set([
  'completed',
  'failed',
  'cancelled',
  'rolledBack',
  'interrupted',
]);

/** A container an operation was asked to act on, as it was when the operation was queued. */
export interface OperationTarget {
  readonly id: string;
  readonly name: string;
  readonly state: ContainerState;
  readonly host: string;
}

/** Options that shape how each item is acted on. */
export interface OperationOptions {
  /** Seconds a stop or restart waits for the container before killing it. */
  readonly graceSeconds?: number;
  /** Signal for kill, such as "SIGKILL" or "SIGTERM". */
  readonly signal?: string;
  /** Remove a running container too (remove only). */
  readonly force?: boolean;
  /** Remove the container's anonymous volumes (remove only). */
  readonly removeVolumes?: boolean;
  /** A fixed number of requests in flight, or undefined to let the engine decide. */
  readonly concurrency?: number;
  /** Fraction of failed items that pauses the operation, from 0 to 1. */
  readonly failureThreshold?: number;
  /**
   * False acts on every target at once, ignoring compose `depends_on`, as a teardown that
   * does not care which goes first may want; absent or true keeps the order.
   */
  readonly dependencyOrder?: boolean;
}

/** What a caller submits: the targets are fixed now, so later containers are never touched. */
export interface OperationRequest {
  readonly kind: OperationKind;
  readonly targets: readonly OperationTarget[];
  readonly options?: OperationOptions;
  /** Higher runs first; 0 is normal. */
  readonly priority?: number;
  /** A short human description of how the targets were chosen, for history. */
  readonly label?: string;
  /**
   * Dependency wave of each target, by index: within a chain, wave k+1 starts only when
   * wave k is done. Absent means every target may run at once.
   */
  readonly waves?: readonly number[];
  /**
   * Chain of each target, by index: targets whose waves order one another (one compose
   * project on one host). Chains do not wait for each other. Absent means one chain.
   */
  readonly chains?: readonly number[];
  /** Targets the planner found needed nothing, recorded as skipped with the reason. */
  readonly skipped?: readonly SkippedTarget[];
}

/** A target left out of an operation because it needed nothing, and why. */
export interface SkippedTarget {
  readonly target: OperationTarget;
  readonly reason: string;
}

/** An error as it travels in records and messages: plain data, no stack. */
export interface ErrorInfo {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** One item of an operation: a target and where it stands. */
export interface ItemRecord {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  /** State of the container when the operation was queued. */
  readonly before: ContainerState;
  readonly state: ItemState;
  readonly attempts: number;
  readonly durationMs?: number;
  readonly error?: ErrorInfo;
  /** Why it was skipped, when it was. */
  readonly reason?: string;
}

/** Counts of items by state. */
export type ItemCounts = Record<ItemState, number>;

/** An operation as it is stored and shown. */
export interface OperationRecord {
  readonly id: string;
  readonly kind: OperationKind;
  readonly label?: string;
  readonly priority: number;
  readonly options: OperationOptions;
  readonly status: OperationStatus;
  readonly createdMs: number;
  readonly startedMs?: number;
  readonly endedMs?: number;
  readonly items: readonly ItemRecord[];
}

/** Aggregate progress of one operation, sent every 100 ms while it runs. */
export interface ProgressSnapshot {
  readonly operationId: string;
  readonly kind: OperationKind;
  readonly status: OperationStatus;
  readonly priority: number;
  readonly total: number;
  readonly counts: ItemCounts;
  /** Items finished per second over the last few seconds. */
  readonly ratePerSecond: number;
  /** Milliseconds until done at the current rate, or undefined when unknown. */
  readonly etaMs?: number;
  readonly elapsedMs: number;
  /** Requests this operation may have in flight now. */
  readonly concurrency: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Why the operation is paused, when the failure guard holds it. */
  readonly guardReason?: string;
  /** Set when the engine stopped answering; cleared when it answers again. */
  readonly engineProblem?: string;
  /** One entry per engine, in the order they first appear, when the items span several. */
  readonly hosts?: readonly HostProgress[];
}

/**
 * One engine's share of an operation that spans several: each host is dispatched, limited
 * and guarded on its own, so one that is slow or down holds back only its own items.
 */
export interface HostProgress {
  /** The engine's name, as containers carry it in `host`. */
  readonly host: string;
  readonly total: number;
  readonly counts: ItemCounts;
  readonly ratePerSecond: number;
  /** Requests this operation may have in flight on this host now. */
  readonly concurrency: number;
  /** Why the failure guard holds this host's items, when it does. */
  readonly guardReason?: string;
  /** Set while this engine is not answering. */
  readonly engineProblem?: string;
}

/** Returns item counts with every state at zero. */
export function emptyCounts(): ItemCounts {
  return {
    queued: 0,
    running: 0,
    succeeded: 0,
    skipped: 0,
    failed: 0,
    cancelled: 0,
    rolledBack: 0,
  };
}
