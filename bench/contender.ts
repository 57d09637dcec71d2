import type { OperationKind } from '../src/engine/model/operation';
import type { ContenderFamily, ContenderOutcome } from './runResult';

/** What a contender gets for one run. */
export interface ContenderRun {
  readonly kind: OperationKind;
  readonly ids: readonly string[];
  /** Aborts when the run's watchdog fires: the engine is taken to be hung. */
  readonly signal: AbortSignal;
  /** Seconds a stop or restart waits before the engine kills the container. */
  readonly graceSeconds: number;
  /** `performance.now()` when the clock started; completion times are relative to it. */
  readonly t0: number;
  /** Called as each item finishes, well or not, so a stalled engine is noticed. */
  readonly tick: () => void;
}

/**
 * One way of running a bulk operation. `prepare` does what the user would have done before
 * clicking (list, plan) and is not timed; `run` is timed.
 */
export interface Contender {
  readonly name: string;
  readonly family: ContenderFamily;
  /** Requests in flight, or how the contender decides them. */
  readonly concurrency: string;
  prepare?(kind: OperationKind, ids: readonly string[], signal: AbortSignal): Promise<void>;
  run(run: ContenderRun): Promise<ContenderOutcome>;
  /** Drops state tied to a daemon that was restarted. */
  reset?(): Promise<void>;
}
