import * as vscode from 'vscode';

import type { OperationKind, OperationOptions } from '../../engine/model/operation';
import type { OperationHandle } from '../../engine/operation/bulkEngine';
import type { Plan } from '../../engine/planner/plan/planTypes';
import { isAbortError } from '../../engine/util/abort';
import { isSelectorSyntaxError } from '../../engine/planner/selector/selectorSyntaxError';
import type { PlannerClient } from '../../engine/planner/worker/plannerClient';
import { describeProblem } from '../connection/connectionProblem';
import type { EngineConnection } from '../connection/engineConnection';
import { observedRates } from '../planning/observedRates';
import { planInWorker } from '../planning/planInWorker';
import { signalFromToken } from '../util/signalFromToken';
import type { SettingsReader } from '../settings/settingsReader';
import type { StevedoreSettings } from '../settings/stevedoreSettings';
import { confirmPlan } from './confirmPlan';
import { describePlan } from './describePlan';

/** What running an operation needs from the extension's services. */
export interface RunDeps {
  readonly connection: EngineConnection;
  readonly planner: PlannerClient;
  readonly settings: SettingsReader;
  readonly log: vscode.LogOutputChannel;
}

/** An operation to plan and run: what to do, on what, and how it was chosen. */
export interface OperationAsk {
  readonly kind: OperationKind;
  /** Selector text; combined with `ids` by AND when both are given. */
  readonly selector?: string;
  /** Full container ids (or names) to act on. */
  readonly ids?: readonly string[];
  /** How the targets were chosen, for history and the notification, such as "3 selected". */
  readonly label: string;
  readonly force?: boolean;
  readonly graceSeconds?: number;
}

// History and the panel carry labels as short names; the page rejects longer ones.
const MAX_LABEL = 200;

/**
 * Lists the containers afresh, plans in the planner worker, confirms a large or
 * destructive plan with the user, and submits it. Resolves to the submitted operation
 * (its progress shows by itself), or undefined when nothing was run; says why once.
 */
export async function runOperation(
  deps: RunDeps,
  ask: OperationAsk,
): Promise<OperationHandle | undefined> {
  const session = deps.connection.session;
  if (session === undefined) {
    const problem = deps.connection.problem;
    void vscode.window.showErrorMessage(
      `Stevedore: ${problem?.message ?? 'not connected to a Docker engine.'}`,
    );
    return undefined;
  }

  const settings = deps.settings.settings;
  let force = ask.force ?? false;
  let plan: Plan | undefined = await planWithProgress(deps, ask, optionsFor(ask, settings, force));
  if (plan === undefined) return undefined;

  for (const warning of plan.warnings) deps.log.warn(`[plan] ${ask.kind}: ${warning}`);
  if (plan.missing.length > 0) {
    deps.log.warn(`[plan] ${ask.kind}: not found: ${plan.missing.slice(0, 20).join(', ')}`);
  }
  if (plan.targets.length === 0) {
    const why = describePlan(plan)[0] ?? 'no container matches.';
    void vscode.window.showInformationMessage(`Stevedore: nothing to ${ask.kind}. ${why}`);
    return undefined;
  }

  const answer = await confirmPlan(plan, settings, force);
  if (answer === undefined) return undefined;
  if (answer === 'force') {
    force = true;
    plan = await planWithProgress(deps, ask, optionsFor(ask, settings, force));
    if (plan === undefined || plan.targets.length === 0) return undefined;
  }

  const label =
    ask.label.length > MAX_LABEL ? `${ask.label.slice(0, MAX_LABEL - 1)}…` : ask.label;
  try {
    return session.engine.submit({
      kind: ask.kind,
      targets: plan.targets,
      waves: plan.waves,
      chains: plan.chains,
      skipped: plan.skipped,
      options: optionsFor(ask, settings, force),
      label,
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`Stevedore: ${(error as Error).message}`);
    return undefined;
  }
}

/** The engine options of an operation: the ask's own, else the settings'. */
export function optionsFor(
  ask: Pick<OperationAsk, 'kind' | 'graceSeconds'>,
  settings: StevedoreSettings,
  force: boolean,
): OperationOptions {
  const graceful = ask.kind === 'stop' || ask.kind === 'restart';
  return {
    ...(graceful ? { graceSeconds: ask.graceSeconds ?? settings.stopGraceSeconds } : {}),
    ...(ask.kind === 'kill' ? { signal: 'SIGKILL' } : {}),
    ...(ask.kind === 'remove' ? { force } : {}),
    ...(settings.concurrency[ask.kind] === undefined
      ? {}
      : { concurrency: settings.concurrency[ask.kind] }),
    failureThreshold: settings.failureThreshold,
    ...(settings.dependencyOrder ? {} : { dependencyOrder: false }),
  };
}

// Listing and planning take a moment on a big engine: say so in the status bar, not a toast.
async function planWithProgress(
  deps: RunDeps,
  ask: OperationAsk,
  options: OperationOptions,
): Promise<Plan | undefined> {
  const session = deps.connection.session;
  if (session === undefined) return undefined;

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Stevedore: planning ${ask.kind}` },
    async (_progress, token) => {
      const listed = await session.containers.refreshNow();
      if (!listed.ok) {
        const problem = describeProblem(listed.error, session.location);
        void vscode.window.showErrorMessage(`Stevedore: ${problem.message} ${problem.advice}`);
        return undefined;
      }
      const link = signalFromToken(token);
      try {
        return await planInWorker(deps.planner, listed.containers, {
          kind: ask.kind,
          options,
          ...(ask.selector === undefined ? {} : { selector: ask.selector }),
          ...(ask.ids === undefined ? {} : { ids: [...ask.ids] }),
          observedRates: observedRates(session.engine.list(), session.limits.observedRates()),
        }, link.signal);
      } catch (error) {
        if (isAbortError(error)) return undefined;
        const message = isSelectorSyntaxError(error)
          ? `the selector is not valid: ${error.message}`
          : `planning failed: ${(error as Error).message}`;
        deps.log.error(`[plan] ${ask.kind}: ${message}`);
        void vscode.window.showErrorMessage(`Stevedore: ${message}`);
        return undefined;
      } finally {
        link.dispose();
      }
    },
  );
}
