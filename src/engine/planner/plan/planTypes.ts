import type { ContainerSummary } from '../../model/container';
import type {
  OperationKind,
  OperationOptions,
  OperationTarget,
} from '../../model/operation';
import type { Selector } from '../selector/selectorTypes';

/** Items per second seen per host and kind in earlier operations, to estimate new ones. */
export type ObservedRates = Readonly<Record<string, Partial<Record<OperationKind, number>>>>;

/** Everything `planOperation` needs; it reads nothing else, so the same input plans alike. */
export interface PlanInput {
  readonly containers: readonly ContainerSummary[];
  readonly kind: OperationKind;
  readonly options?: OperationOptions;
  /** Combined with `ids` by AND when both are given; with neither nothing is selected. */
  readonly selector?: Selector;
  /** Full ids, id prefixes of at least 12 characters, or names. */
  readonly ids?: readonly string[];
  /** The instant `age` terms are judged against. */
  readonly nowMs: number;
  readonly observedRates?: ObservedRates;
  /** How many target names `sample` holds; 10 when not given. */
  readonly sampleSize?: number;
}

/** A selected container the operation leaves alone, and why, in words for the user. */
export interface SkippedTarget {
  readonly target: OperationTarget;
  readonly reason: string;
}

/** How many targets live on one host. */
export interface HostCount {
  readonly host: string;
  readonly count: number;
}

/**
 * How long the operation should take and what that guess rests on. `upperBoundMs` is set
 * for stop and restart: the time if every container ignored SIGTERM and waited out its grace.
 */
export interface PlanEstimate {
  readonly durationMs: number;
  readonly basis: string;
  readonly upperBoundMs?: number;
}

/**
 * What an operation would do, for the confirmation dialog and the engine. `waves[i]` and
 * `chains[i]` are the wave and chain of `targets[i]`; the engine starts a chain's wave k+1
 * only once that chain's wave k is done, and chains do not wait for one another.
 */
export interface Plan {
  readonly kind: OperationKind;
  readonly targets: OperationTarget[];
  readonly waves: number[];
  readonly chains: number[];
  readonly skipped: SkippedTarget[];
  /** Ids or names asked for that matched no container, or more than one. */
  readonly missing: string[];
  readonly byHost: HostCount[];
  /** Requests in flight per host while the operation runs. */
  readonly batchSize: number;
  readonly estimate?: PlanEstimate;
  /** The first target names, for a confirmation message. */
  readonly sample: string[];
  readonly warnings: string[];
}

/**
 * A plan by snapshot position, as it crosses from the worker: typed arrays move in one
 * step, where 100,000 target objects would take the host many milliseconds to deserialise.
 */
export interface IndexedPlan {
  readonly kind: OperationKind;
  readonly targetIndices: Int32Array;
  readonly waves: Int32Array;
  readonly chains: Int32Array;
  readonly skippedIndices: Int32Array;
  /** Index into `reasons` for each skipped container. */
  readonly skippedReasons: Uint16Array;
  readonly reasons: string[];
  readonly missing: string[];
  readonly byHost: HostCount[];
  readonly batchSize: number;
  readonly estimate?: PlanEstimate;
  readonly sample: string[];
  readonly warnings: string[];
}
