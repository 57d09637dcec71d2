import type { ContainerSummary } from '../../model/container';
import { materializePlanInSlices } from '../plan/materializePlan';
import type { Plan, PlanInput } from '../plan/planTypes';
import { describeSelector } from '../selector/describeSelector';
import type { Selector } from '../selector/selectorTypes';
import type { PlannerClient } from './plannerClient';
import { isPlannerRequestError } from './plannerRequestError';

/** A plan request without the snapshot; the selector may be text or an already parsed one. */
export interface PlanInWorkerRequest extends Omit<PlanInput, 'containers' | 'selector'> {
  readonly selector?: string | Selector;
}

/**
 * Plans in the worker and returns what `planOperation` would, without blocking this thread;
 * the snapshot is uploaded only when the worker does not hold this array already.
 */
export async function planInWorker(
  client: PlannerClient,
  containers: readonly ContainerSummary[],
  request: PlanInWorkerRequest,
  signal?: AbortSignal,
): Promise<Plan> {
  const { selector, ...rest } = request;
  const text = typeof selector === 'object' ? describeSelector(selector) : selector;

  // The worker may have been replaced, or another snapshot committed, between the upload
  // and the plan; one fresh upload settles either.
  for (let attempt = 1; ; attempt++) {
    const snapshotVersion = await client.ensureSnapshot(containers, signal);
    try {
      const indexed = await client.plan({ ...rest, selector: text, snapshotVersion }, signal);
      return await materializePlanInSlices(indexed, containers);
    } catch (error) {
      if (attempt > 1 || !isPlannerRequestError(error, 'SNAPSHOT_MISSING')) {
        throw error;
      }
    }
  }
}
