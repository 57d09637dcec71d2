import type { OperationKind } from '../src/engine/model/operation';

/** Who is measured: Stevedore's engine, a plain client, a naive pattern or the docker CLI. */
export type ContenderFamily = 'stevedore' | 'stevedore-unordered' | 'fixed' | 'naive' | 'cli';

/** Figures only Stevedore's engine has: host responsiveness and progress cadence. */
export interface StevedoreFigures {
  readonly limiter: string;
  /** Largest `concurrency` any progress snapshot showed. */
  readonly concurrencyShown: number;
  /** The limit in the last snapshot, and the mean over all snapshots. */
  readonly concurrencyLast: number;
  readonly concurrencyMean: number;
  readonly waves: number;
  readonly snapshots: number;
  readonly snapshotP50Ms: number;
  readonly snapshotP99Ms: number;
  /** From an item changing to the next snapshot that shows it: what the UI waits. */
  readonly changeToSnapshotP50Ms: number;
  readonly changeToSnapshotP99Ms: number;
  /** Times the failure guard paused the operation (the bench answers "continue"). */
  readonly guardTrips: number;
  readonly planMs: number;
}

/** What a contender reports about its own run; `measureRun` adds the shared figures. */
export interface ContenderOutcome {
  readonly succeeded: number;
  /** Failure counts by kind, e.g. "http 409" or "timeout". */
  readonly failures: Readonly<Record<string, number>>;
  /** Milliseconds from the run's start at which each item finished well. */
  readonly completionsMs: readonly number[];
  /** CPU of child processes (the docker CLI), when the work ran outside this process. */
  readonly childCpuSec?: number;
  readonly childPeakRssMb?: number;
  readonly stevedore?: StevedoreFigures;
}

/** One contender's run of one operation kind, with every figure from the same run. */
export interface RunResult {
  readonly phase: string;
  readonly contender: string;
  readonly family: ContenderFamily;
  readonly kind: OperationKind;
  readonly containers: number;
  readonly concurrency: string;
  readonly wallMs: number;
  /** Containers that ended in the requested state per second of wall time. */
  readonly perSecond: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly clientCpuSec: number;
  readonly daemonCpuSec: number;
  readonly clientPeakRssMb: number;
  /**
   * This process's event-loop delay during the run (beyond the 10 ms sampling tick). For a
   * run outside this process (the CLI) it is the machine's own scheduling delay then.
   */
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** The run hit its watchdog: the engine stopped answering and the sandbox was restarted. */
  readonly hung: boolean;
  readonly completionsMs: readonly number[];
  readonly stevedore?: StevedoreFigures;
  readonly startedAt: string;
}
