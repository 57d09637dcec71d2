import * as vscode from 'vscode';

/** "Stevedore: Open Settings", as the welcome view's button: the extension's settings only. */
export async function openStevedoreSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:stevedore.stevedore');
}
