import type { OperationKind } from '../src/engine/model/operation';
import type { RunResult } from './runResult';

/** Failures above this share disqualify a run from standing for the ceiling. */
const MAX_FAILURE_SHARE = 0.05;

/**
 * The ceiling for one kind in one phase: the fastest plain client at a fixed concurrency
 * (the sequential loop counts as concurrency 1) that neither hung nor failed much.
 */
export function ceilingOf(
  runs: readonly RunResult[],
  phase: string,
  kind: OperationKind,
): RunResult | undefined {
  let best: RunResult | undefined;
  for (const r of runs) {
    if (r.phase !== phase || r.kind !== kind || r.hung) continue;
    if (r.family !== 'fixed' && r.contender !== 'sequential loop') continue;
    if (r.failed > r.containers * MAX_FAILURE_SHARE) continue;
    if (!best || r.perSecond > best.perSecond) best = r;
  }
  return best;
}
