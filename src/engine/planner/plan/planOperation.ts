import { materializePlan } from './materializePlan';
import { planIndexed } from './planIndexed';
import type { Plan, PlanInput } from './planTypes';

/**
 * Decides what an operation would do: its targets in order, what it skips and why, what was
 * not found, and how long it should take. Pure, so the same input always gives the same plan.
 */
export function planOperation(input: PlanInput): Plan {
  return materializePlan(planIndexed(input), input.containers);
}
