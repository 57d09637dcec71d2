import type { Plan } from '../../engine/planner/plan/planTypes';

/**
 * The plan in a few lines for a person: skipped counts by reason, dependency waves,
 * hosts, the estimate, a sample of names and the planner's warnings.
 */
export function describePlan(plan: Plan): string[] {
  const lines: string[] = [];

  const reasons = new Map<string, number>();
  for (const { reason } of plan.skipped) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  if (reasons.size > 0) {
    const parts = [...reasons].map(([reason, n]) => `${n} ${reason}`);
    lines.push(`Skipped ${plan.skipped.length}: ${parts.join('; ')}.`);
  }

  const waves = plan.waves.reduce((max, w) => Math.max(max, w), 0) + 1;
  if (plan.targets.length > 0 && waves > 1) {
    lines.push(`${waves} dependency waves (compose depends_on): within a project, each ` +
      'starts when the last ends.');
  }
  if (plan.byHost.length > 1) {
    lines.push(`Engines: ${plan.byHost.map((h) => `${h.host} (${h.count})`).join(', ')}.`);
  }

  if (plan.estimate !== undefined) {
    const upper = plan.estimate.upperBoundMs === undefined ? ''
      : `, at most ${formatSeconds(plan.estimate.upperBoundMs)} if none honours SIGTERM`;
    lines.push(`Estimated time: about ${formatSeconds(plan.estimate.durationMs)}${upper}.`);
  } else {
    lines.push(`${plan.batchSize} requests at a time; no estimate yet (no earlier run to go by).`);
  }

  if (plan.sample.length > 0) {
    const more = plan.targets.length - plan.sample.length;
    lines.push(`For example: ${plan.sample.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`);
  }
  for (const warning of plan.warnings) lines.push(`Note: ${warning}.`);
  if (plan.kind === 'remove') lines.push('Removed containers cannot be brought back.');
  return lines;
}

function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
