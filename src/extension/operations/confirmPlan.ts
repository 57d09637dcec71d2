import * as vscode from 'vscode';

import type { OperationKind } from '../../engine/model/operation';
import type { Plan } from '../../engine/planner/plan/planTypes';
import type { StevedoreSettings } from '../settings/stevedoreSettings';
import { describePlan } from './describePlan';

/** The user's answer: run the plan, run it with force (remove only), or nothing. */
export type Confirmation = 'run' | 'force' | undefined;

/** Title-case verbs for buttons and titles. */
export const VERBS: Readonly<Record<OperationKind, string>> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  kill: 'Kill',
  pause: 'Pause',
  unpause: 'Unpause',
  remove: 'Remove',
};

const FORCE_BUTTON = 'Remove Running Too';

/**
 * Asks before a large or destructive operation, in a modal dialog that shows the plan:
 * how many containers, what is skipped and why, dependency waves, the estimate and a
 * sample of names. Small, non-destructive operations run without asking.
 */
export async function confirmPlan(
  plan: Plan,
  settings: StevedoreSettings,
  forced: boolean,
): Promise<Confirmation> {
  const destructive = plan.kind === 'remove' && settings.confirmDestructive;
  const large = plan.targets.length > settings.confirmAbove;
  if (!destructive && !large) return 'run';

  const verb = VERBS[plan.kind];
  const buttons = [verb];
  const needForce = plan.skipped.filter((s) => s.reason.endsWith('remove needs force')).length;
  if (plan.kind === 'remove' && !forced && needForce > 0) buttons.push(FORCE_BUTTON);

  const noun = plan.targets.length === 1 ? 'container' : 'containers';
  const choice = await vscode.window.showWarningMessage(
    `${verb} ${plan.targets.length} ${noun}?`,
    { modal: true, detail: describePlan(plan).join('\n') },
    ...buttons,
  );
  if (choice === verb) return 'run';
  return choice === FORCE_BUTTON ? 'force' : undefined;
}
