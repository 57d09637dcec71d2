import { join } from 'node:path';

import { PlannerClient } from '../src/engine/planner/worker/plannerClient';
import { measurePlannerRun, type PlannerBenchResult, syntheticContainers } from './planner';

/** Planner sizes measured without an engine: far past what one daemon holds. */
export const PLANNER_SIZES = [10_000, 100_000];

/**
 * Plans synthetic fleets of each size in the planner worker, as the extension does, with
 * bench/planner.ts's measurement: plan time and the host's event-loop delay against an idle
 * baseline of the same length.
 */
export async function plannerAtScale(
  sizes: readonly number[] = PLANNER_SIZES,
): Promise<PlannerBenchResult[]> {
  const client = new PlannerClient({
    workerPath: join(__dirname, '../src/engine/planner/worker/plannerWorker.ts'),
    execArgv: ['--require', require.resolve('tsx/cjs')],
  });
  try {
    // Warm up the worker and both threads' hot paths, as a session would have by then.
    await measurePlannerRun(client, syntheticContainers(5_000));
    const results: PlannerBenchResult[] = [];
    for (const size of sizes) {
      results.push(await measurePlannerRun(client, syntheticContainers(size)));
    }
    return results;
  } finally {
    client.dispose();
  }
}
