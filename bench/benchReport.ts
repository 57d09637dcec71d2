import type { OperationKind } from '../src/engine/model/operation';
import type { BenchArgs } from './benchArgs';
import type { MachineInfo } from './describeMachine';
import type { PanelReplayResult } from './panel';
import type { PlannerBenchResult } from './planner';
import type { RunResult } from './runResult';

/** One phase as run: its fleet size and who ran on it. */
export interface PhaseSummary {
  readonly name: string;
  readonly containers: number;
  readonly contenders: string;
}

/** Everything one `npm run bench` measured, as written to bench/results/*.json. */
export interface BenchReport {
  readonly mode: 'quick' | 'default';
  readonly args: BenchArgs;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly limiter: string;
  readonly daemonCpuCounts: string;
  readonly phases: readonly PhaseSummary[];
  readonly runs: readonly RunResult[];
  /** The sweep's best fixed concurrency per kind, from the subset phase. */
  readonly bestConcurrency: Partial<Record<OperationKind, number>>;
  readonly heapAfterRepMb: readonly number[];
  readonly gcExposed: boolean;
  /** Host event-loop delay p99 of this process idling, before any run: the machine's floor. */
  readonly idleLoopDelayP99Ms: number;
  readonly planner: readonly PlannerBenchResult[] | { readonly error: string };
  readonly panel: PanelReplayResult | { readonly error: string };
  readonly sandboxRestarts: number;
}
