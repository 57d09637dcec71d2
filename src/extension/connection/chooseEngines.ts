import * as vscode from 'vscode';

import type { EngineChoice } from './engineChoices';
import type { EngineConnection } from './engineConnection';

/** The command's id, as `package.json` declares it. */
export const CHOOSE_ENGINES_COMMAND = 'stevedore.chooseEngines';

interface ChoiceItem extends vscode.QuickPickItem {
  readonly choice: EngineChoice;
}

/**
 * "Stevedore: Choose Engines...": a multi-select of the default engine, every docker
 * context and every entry of `stevedore.engine.hosts`, with the active ones ticked. The
 * choice is remembered for this machine. A list of engine ids as the argument (from a
 * keybinding or a test) chooses without asking.
 */
export async function chooseEngines(connection: EngineConnection, arg?: unknown): Promise<void> {
  if (Array.isArray(arg) && arg.every((id) => typeof id === 'string')) {
    await connection.setActiveEngines(arg as string[]);
    return;
  }

  const { choices, problems } = await connection.listChoices();
  const active = new Set(connection.activeIds);
  const items: ChoiceItem[] = choices.map((choice) => ({
    choice,
    label: choice.name,
    description: choice.address,
    detail: `From ${choice.origin}`,
    picked: active.has(choice.id),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Stevedore: Choose Engines',
    placeHolder: problems.length === 0
      ? 'The engines to show and act on; several at once are shown one below the other'
      : `Some docker contexts cannot be read (see the Stevedore log): ${problems[0]}`,
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (picked === undefined) return;
  if (picked.length === 0) {
    void vscode.window.showWarningMessage(
      'Stevedore needs at least one engine; the choice was left as it was.',
    );
    return;
  }
  await connection.setActiveEngines(picked.map((item) => item.choice.id));
}
