import * as vscode from 'vscode';

import { parseSettings } from './parseSettings';
import { SETTINGS_SECTION, type StevedoreSettings } from './stevedoreSettings';

/** A settings change: the new values and which keys of the section it touched. */
export interface SettingsChange {
  readonly settings: StevedoreSettings;
  affects(key: string): boolean;
}

/**
 * The current, validated settings, re-read when the user changes them or trusts the
 * workspace. A bad value falls back to its default with one warning per distinct problem,
 * never one per read.
 */
export class SettingsReader implements vscode.Disposable {
  private current: StevedoreSettings;
  private readonly warned = new Set<string>();
  private readonly changed = new vscode.EventEmitter<SettingsChange>();
  private readonly subscriptions: vscode.Disposable[];

  /** Fires after the settings were re-read. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.current = this.read();
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
        this.current = this.read();
        this.changed.fire({
          settings: this.current,
          affects: (key) => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`),
        });
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.current = this.read();
        this.changed.fire({ settings: this.current, affects: () => true });
      }),
    ];
  }

  get settings(): StevedoreSettings {
    return this.current;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private read(): StevedoreSettings {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const { settings, problems } = parseSettings(
      (key) => config.inspect(key),
      vscode.workspace.isTrusted,
    );

    const fresh = problems.filter((p) => !this.warned.has(p));
    for (const problem of fresh) {
      this.warned.add(problem);
      this.log.warn(`[settings] ${problem}`);
    }
    if (fresh.length > 0) {
      void this.showProblems(fresh);
    }
    return settings;
  }

  private async showProblems(problems: readonly string[]): Promise<void> {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more in the log)` : '';
    const choice = await vscode.window.showWarningMessage(
      `Stevedore: ${problems[0]}${more}`,
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_SECTION);
    }
  }
}
