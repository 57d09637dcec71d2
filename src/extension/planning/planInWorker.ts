import type { ContainerSummary } from '../../engine/model/container';
import { isAbortError } from '../../engine/util/abort';
import { materializePlan } from '../../engine/planner/plan/materializePlan';
import type { Plan } from '../../engine/planner/plan/planTypes';
import { isPlannerCrashedError } from '../../engine/planner/worker/plannerCrashedError';
import type { PlannerClient } from '../../engine/planner/worker/plannerClient';
import type { PlanRequestBody } from '../../engine/planner/worker/plannerProtocol';
import { isPlannerRequestError } from '../../engine/planner/worker/plannerRequestError';

/** A plan request without the snapshot bookkeeping, which `planInWorker` does. */
export type PlanAsk = Omit<PlanRequestBody, 'snapshotVersion' | 'nowMs'>;

/**
 * Plans in the planner worker against `containers`, uploading them first when the worker
 * does not hold this snapshot, and returns the plan as targets. A worker that crashed or
 * lost the snapshot is given one more try; a selector error is thrown as it is.
 */
export async function planInWorker(
  client: PlannerClient,
  containers: readonly ContainerSummary[],
  ask: PlanAsk,
  signal?: AbortSignal,
): Promise<Plan> {
  const once = async (): Promise<Plan> => {
    const snapshotVersion = await client.ensureSnapshot(containers, signal);
    const indexed = await client.plan({ ...ask, snapshotVersion, nowMs: Date.now() }, signal);
    return materializePlan(indexed, containers);
  };

  try {
    return await once();
  } catch (error) {
    const worthRetry = !isAbortError(error) &&
      (isPlannerCrashedError(error) || isPlannerRequestError(error, 'SNAPSHOT_MISSING'));
    if (!worthRetry) throw error;
    return once();
  }
}
