import type { ContainerSummary } from '../../model/container';
import type { OperationTarget } from '../../model/operation';
import type { IndexedPlan, Plan, SkippedTarget } from './planTypes';

/**
 * Turns a plan by position into a plan of fresh four-field targets, so storing a request
 * never drags labels along. Throws a RangeError for a position outside the snapshot.
 */
export function materializePlan(
  indexed: IndexedPlan,
  containers: readonly ContainerSummary[],
): Plan {
  const targets: OperationTarget[] = new Array(indexed.targetIndices.length);
  const skipped: SkippedTarget[] = new Array(indexed.skippedIndices.length);
  fillTargets(indexed, containers, targets, 0, targets.length);
  fillSkipped(indexed, containers, skipped, 0, skipped.length);
  return assemble(indexed, targets, skipped);
}

// Building 100,000 records takes tens of milliseconds; this many keeps each slice short.
const SLICE = 8_192;

/**
 * The same as materializePlan, building the records a slice at a time with an event-loop
 * turn between slices, for a thread (the extension host) that must never stall that long.
 */
export async function materializePlanInSlices(
  indexed: IndexedPlan,
  containers: readonly ContainerSummary[],
): Promise<Plan> {
  const targets: OperationTarget[] = new Array(indexed.targetIndices.length);
  const skipped: SkippedTarget[] = new Array(indexed.skippedIndices.length);

  for (let from = 0; from < targets.length; from += SLICE) {
    fillTargets(indexed, containers, targets, from, Math.min(targets.length, from + SLICE));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  for (let from = 0; from < skipped.length; from += SLICE) {
    fillSkipped(indexed, containers, skipped, from, Math.min(skipped.length, from + SLICE));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return assemble(indexed, targets, skipped);
}

function fillTargets(
  indexed: IndexedPlan,
  containers: readonly ContainerSummary[],
  out: OperationTarget[],
  from: number,
  to: number,
): void {
  for (let position = from; position < to; position++) {
    out[position] = targetAt(containers, indexed.targetIndices[position]!);
  }
}

function fillSkipped(
  indexed: IndexedPlan,
  containers: readonly ContainerSummary[],
  out: SkippedTarget[],
  from: number,
  to: number,
): void {
  for (let position = from; position < to; position++) {
    const target = targetAt(containers, indexed.skippedIndices[position]!);
    const reason = indexed.reasons[indexed.skippedReasons[position]!] ?? 'skipped';
    out[position] = { target, reason };
  }
}

function targetAt(containers: readonly ContainerSummary[], index: number): OperationTarget {
  const container = containers[index];
  if (container === undefined) {
    throw new RangeError(`Plan refers to container ${index} of a ${containers.length} snapshot`);
  }
  return { id: container.id, name: container.name, state: container.state, host: container.host };
}

function assemble(
  indexed: IndexedPlan,
  targets: OperationTarget[],
  skipped: SkippedTarget[],
): Plan {
  const plan: Plan = {
    kind: indexed.kind,
    targets,
    waves: Array.from(indexed.waves),
    chains: Array.from(indexed.chains),
    skipped,
    missing: [...indexed.missing],
    byHost: indexed.byHost.map((h) => ({ ...h })),
    batchSize: indexed.batchSize,
    sample: [...indexed.sample],
    warnings: [...indexed.warnings],
  };
  return indexed.estimate === undefined ? plan : { ...plan, estimate: { ...indexed.estimate } };
}
