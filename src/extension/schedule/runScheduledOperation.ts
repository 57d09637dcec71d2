import type { OperationRecord } from '../../engine/model/operation';
import type { Schedule } from '../../engine/schedule/scheduleTypes';
import { describeProblem } from '../connection/connectionProblem';
import { optionsFor, type RunDeps } from '../operations/runOperation';
import { observedRates } from '../planning/observedRates';
import { planInWorker } from '../planning/planInWorker';
import { scheduledLabel } from './describeSchedule';

/**
 * Runs a due schedule the way a command runs an operation, minus the questions (the user
 * answered them when scheduling): lists the containers now, plans in the planner worker,
 * submits to the engine (so it shows in the progress notification, the panel and history,
 * labelled as scheduled) and waits for the end. Rejects with a sentence when it could not
 * run or something failed; a plan with nothing to do is a run that needed nothing.
 */
export async function runScheduledOperation(
  deps: RunDeps,
  schedule: Schedule,
  signal: AbortSignal,
): Promise<void> {
  const session = deps.connection.session;
  if (session === undefined) {
    throw new Error(deps.connection.problem?.message ?? 'not connected to a Docker engine');
  }

  const listed = await session.containers.refreshNow();
  if (!listed.ok) throw new Error(describeProblem(listed.error, session.location).message);

  const own = schedule.options ?? {};
  const options = {
    ...optionsFor(
      { kind: schedule.kind, graceSeconds: own.graceSeconds },
      deps.settings.settings,
      own.force ?? false,
    ),
    ...own,
  };
  // A window may use several engines; a schedule tied to one acts on that one only.
  const here = session.location.endpoint.label;
  const containers = schedule.host === undefined ? listed.containers
    : listed.containers.filter((c) => c.host === here);
  const { select, ids } = schedule.selection;
  const plan = await planInWorker(deps.planner, containers, {
    kind: schedule.kind,
    options,
    ...(select === undefined ? {} : { selector: select }),
    ...(ids === undefined ? {} : { ids: [...ids] }),
    observedRates: observedRates(session.engine.list(), session.limits.observedRates()),
  }, signal);

  for (const warning of plan.warnings) deps.log.warn(`[schedule] ${schedule.kind}: ${warning}`);
  if (plan.targets.length === 0) {
    deps.log.info(`[schedule] ${schedule.id}: nothing to ${schedule.kind} ` +
      `(${plan.skipped.length} skipped, ${plan.missing.length} not found)`);
    return;
  }

  const handle = session.engine.submit({
    kind: schedule.kind,
    targets: plan.targets,
    waves: plan.waves,
    chains: plan.chains,
    skipped: plan.skipped,
    options,
    label: scheduledLabel(schedule),
  });
  const record = await handle.done;
  const problem = failureOf(record);
  if (problem !== undefined) throw new Error(problem);
}

function failureOf(record: OperationRecord): string | undefined {
  const failed = record.items.filter((i) => i.state === 'failed').length;
  if (record.status === 'completed' && failed === 0) return undefined;
  const of = `${failed} of ${record.items.length} failed`;
  return `operation ${record.id.slice(0, 8)} ended ${record.status}, ${of}`;
}
