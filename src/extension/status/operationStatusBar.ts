import * as vscode from 'vscode';

import type { ProgressSnapshot } from '../../engine/model/operation';
import { formatProgress } from './formatProgress';

/** One running operation as the status bar sums it up. */
export interface RunningOperation {
  readonly title: string;
  readonly snapshot: ProgressSnapshot | undefined;
}

/** The context key menus read to offer cancel while operations run. */
export const OPERATIONS_ACTIVE_KEY = 'stevedore.operationsActive';

/**
 * A status bar item shown only while operations run: one line of counts; a click opens
 * the Operations panel.
 */
export class OperationStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private active = false;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('stevedore.operations',
      vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Stevedore Operations';
    this.item.command = command;
  }

  update(running: readonly RunningOperation[]): void {
    const active = running.length > 0;
    if (active !== this.active) {
      this.active = active;
      void vscode.commands.executeCommand('setContext', OPERATIONS_ACTIVE_KEY, active);
    }
    if (!active) {
      this.item.hide();
      return;
    }

    const [first] = running;
    if (running.length === 1 && first !== undefined) {
      const counts = first.snapshot ? formatProgress(first.snapshot).message : 'starting';
      this.item.text = `$(sync~spin) ${first.snapshot?.kind ?? 'Stevedore'} ${counts}`;
    } else {
      let done = 0;
      let total = 0;
      for (const { snapshot } of running) {
        if (!snapshot) continue;
        done += snapshot.total - snapshot.counts.queued - snapshot.counts.running;
        total += snapshot.total;
      }
      this.item.text = `$(sync~spin) ${running.length} operations ${done}/${total}`;
    }
    this.item.tooltip = `Stevedore: ${running.map((r) => r.title).join('; ')}. ` +
      'Click to open the Operations panel.';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
