import * as vscode from 'vscode';

import type { OperationKind } from '../../engine/model/operation';
import type { OperationHandle } from '../../engine/operation/bulkEngine';
import { VERBS } from '../operations/confirmPlan';
import { runOperation } from '../operations/runOperation';
import { pickContainers } from '../pickers/pickContainers';
import { pickSelector } from '../pickers/pickSelector';
import type { CommandDeps } from './commandDeps';

/**
 * Optional arguments, for automation and keybindings: with a selector or ids the pickers
 * are skipped (a large or destructive plan is still confirmed, as the settings say).
 */
export interface PaletteArgs {
  readonly selector?: string;
  readonly ids?: readonly string[];
  readonly force?: boolean;
  readonly graceSeconds?: number;
}

interface ModeItem extends vscode.QuickPickItem {
  readonly mode: 'selector' | 'list';
}

/**
 * "Stevedore: Stop Containers..." and the others: picks targets by a selector (checked
 * live, with the count it matches) or from a filterable list, then plans and runs.
 */
export async function actFromPalette(
  deps: CommandDeps,
  kind: OperationKind,
  rawArgs?: unknown,
): Promise<OperationHandle | undefined> {
  const args = readArgs(rawArgs);
  const extra = {
    ...(args.force === undefined ? {} : { force: args.force }),
    ...(args.graceSeconds === undefined ? {} : { graceSeconds: args.graceSeconds }),
  };
  if (args.selector !== undefined || args.ids !== undefined) {
    const label = args.selector ?? `${args.ids!.length} containers by id`;
    return runOperation(deps, { kind, ...args, ...extra, label });
  }

  const verb = VERBS[kind];
  const title = `Stevedore: ${verb} Containers`;
  const mode = await vscode.window.showQuickPick<ModeItem>([
    { mode: 'selector', label: '$(filter) By selector…',
      detail: 'Terms such as status=running label=app=web project=shop !name=*-canary' },
    { mode: 'list', label: '$(checklist) Choose from a list…',
      detail: `Pick the containers to ${kind} by name` },
  ], { title, placeHolder: `How to choose the containers to ${kind}` });
  if (mode === undefined) return undefined;

  if (mode.mode === 'selector') {
    // Counting matches reads the current list: refresh it while the user types.
    deps.connection.session?.containers.refresh();
    const selector = await pickSelector(deps, kind, `${title}: selector`);
    return selector === undefined ? undefined
      : runOperation(deps, { kind, selector, label: selector, ...extra });
  }

  // The list to choose from is listed now: the view may have been hidden a while.
  const listed = await deps.connection.session?.containers.refreshNow();
  const containers = listed?.ok ? listed.containers : [];
  const picked = await pickContainers(containers, kind, `${title}: choose`);
  if (picked === undefined) return undefined;
  const label = picked.length === 1 ? picked[0]!.name : `${picked.length} chosen from a list`;
  return runOperation(deps, { kind, ids: picked.map((c) => c.id), label, ...extra });
}

// Arguments may come from a keybinding or another extension: take only what is well-formed.
function readArgs(raw: unknown): PaletteArgs {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const ids = Array.isArray(r.ids) && r.ids.every((id) => typeof id === 'string')
    ? (r.ids as string[])
    : undefined;
  return {
    ...(typeof r.selector === 'string' && r.selector.trim() !== ''
      ? { selector: r.selector } : {}),
    ...(ids === undefined || ids.length === 0 ? {} : { ids }),
    ...(typeof r.force === 'boolean' ? { force: r.force } : {}),
    ...(typeof r.graceSeconds === 'number' && Number.isInteger(r.graceSeconds) &&
      r.graceSeconds >= 0 && r.graceSeconds <= 3600
      ? { graceSeconds: r.graceSeconds } : {}),
  };
}
