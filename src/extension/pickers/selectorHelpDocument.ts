import * as vscode from 'vscode';

import { SELECTOR_HELP } from '../../engine/planner/selector/selectorHelp';

const SCHEME = 'stevedore-help';

/** A read-only document with the selector syntax, opened from the selector input boxes. */
export const SELECTOR_HELP_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Selector Syntax' });

/** Serves the help document; register it once at activation. */
export function registerSelectorHelp(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    provideTextDocumentContent: () => `${SELECTOR_HELP}\n`,
  });
}
