import * as vscode from 'vscode';

import {
  FINAL_OPERATION_STATUSES,
  type OperationStatus,
  type ProgressSnapshot,
} from '../../engine/model/operation';
import type { BulkEngine } from '../../engine/operation/bulkEngine';
import { formatProgress } from './formatProgress';
import { OperationStatusBar } from './operationStatusBar';

interface Tracked {
  readonly id: string;
  readonly title: string;
  snapshot: ProgressSnapshot | undefined;
  percent: number;
  report: ((value: { message?: string; increment?: number }) => void) | undefined;
  finish: () => void;
  guardShown: boolean;
}

/** Command ids the messages offer. */
export interface ProgressCommands {
  readonly showOperations: string;
  readonly retryFailed: string;
}

/**
 * One cancellable progress notification per running operation, whatever started it (a
 * command, the panel, a resume), plus the status bar item while any runs. Each update
 * shows counts such as "120/1000 · 3 failed"; the end shows at most one message, and only
 * when something failed. Never a message per container.
 */
export class OperationProgress implements vscode.Disposable {
  private readonly tracked = new Map<string, Tracked>();
  private readonly statusBar: OperationStatusBar;
  private engine: BulkEngine | undefined;
  private engineSubscriptions: { dispose(): void }[] = [];

  constructor(
    private readonly commands: ProgressCommands,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.statusBar = new OperationStatusBar(commands.showOperations);
  }

  /** Follows the operations of `engine` from now on (a new session brings a new engine). */
  follow(engine: BulkEngine | undefined): void {
    for (const subscription of this.engineSubscriptions) subscription.dispose();
    for (const tracked of this.tracked.values()) tracked.finish();
    this.tracked.clear();
    this.engine = engine;
    this.engineSubscriptions = engine === undefined ? [] : [
      engine.onStatus(({ operationId, status }) => this.onStatus(operationId, status)),
      engine.onProgress((snapshot) => this.onProgress(snapshot)),
    ];
    this.updateStatusBar();
  }

  dispose(): void {
    this.follow(undefined);
    this.statusBar.dispose();
  }

  private onStatus(id: string, status: OperationStatus): void {
    if (!FINAL_OPERATION_STATUSES.has(status)) {
      if (!this.tracked.has(id)) this.open(id, this.titleOf(id));
      const tracked = this.tracked.get(id);
      if (status === 'guarded' && tracked && !tracked.guardShown) {
        tracked.guardShown = true;
        void this.askGuard(id);
      }
      if (status !== 'guarded' && tracked) tracked.guardShown = false;
      return;
    }

    const tracked = this.tracked.get(id);
    if (tracked === undefined) return;
    this.tracked.delete(id);
    tracked.finish();
    this.updateStatusBar();
    void this.reportEnd(id, tracked.title);
  }

  private onProgress(snapshot: ProgressSnapshot): void {
    const tracked = this.tracked.get(snapshot.operationId);
    if (tracked === undefined) return;
    tracked.snapshot = snapshot;
    const { percent, message } = formatProgress(snapshot);
    tracked.report?.({ message, increment: Math.max(0, percent - tracked.percent) });
    tracked.percent = Math.max(tracked.percent, percent);
    this.updateStatusBar();
  }

  private open(id: string, title: string): void {
    let finish!: () => void;
    const ended = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tracked: Tracked = {
      id, title, snapshot: undefined, percent: 0, report: undefined, finish, guardShown: false,
    };
    this.tracked.set(id, tracked);
    this.updateStatusBar();

    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Stevedore: ${title}`,
        cancellable: true },
      (progress, token) => {
        tracked.report = (value) => progress.report(value);
        const snapshot = this.engine?.snapshot(id);
        if (snapshot) this.onProgress(snapshot);
        const cancel = token.onCancellationRequested(() => this.cancel(id));
        return ended.finally(() => cancel.dispose());
      },
    );
  }

  private cancel(id: string): void {
    if (!this.tracked.has(id)) return;
    try {
      this.engine?.cancel(id);
      this.log.info(`[progress] cancel of ${id} asked from its notification`);
    } catch (error) {
      this.log.warn(`[progress] cancel of ${id} refused: ${(error as Error).message}`);
    }
  }

  private titleOf(id: string): string {
    const record = this.engine?.get(id);
    if (record === undefined) return 'operation';
    const label = record.label === undefined ? '' : ` (${clip(record.label, 60)})`;
    return `${record.kind} ${record.items.length} containers${label}`;
  }

  private async reportEnd(id: string, title: string): Promise<void> {
    const record = this.engine?.get(id);
    if (record === undefined) return;
    const count = (state: string) => record.items.filter((i) => i.state === state).length;
    const failed = count('failed');
    const summary = `${title}: ${record.status}, ${count('succeeded')} succeeded, ` +
      `${count('skipped')} skipped, ${failed} failed, ${count('cancelled')} cancelled`;

    if (failed === 0) {
      vscode.window.setStatusBarMessage(`Stevedore: ${summary}`, 8000);
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      `Stevedore: ${summary}.`,
      'Retry Failed',
      'Show Operations',
    );
    if (choice === 'Retry Failed') {
      await vscode.commands.executeCommand(this.commands.retryFailed, id);
    } else if (choice === 'Show Operations') {
      await vscode.commands.executeCommand(this.commands.showOperations);
    }
  }

  private async askGuard(id: string): Promise<void> {
    const reason = this.engine?.snapshot(id)?.guardReason ?? 'too many items failed';
    const choice = await vscode.window.showWarningMessage(
      `Stevedore paused an operation: ${reason}.`,
      'Continue',
      'Cancel Operation',
      'Roll Back',
    );
    const decision = choice === 'Continue' ? 'continue'
      : choice === 'Cancel Operation' ? 'cancel'
      : choice === 'Roll Back' ? 'rollback'
      : undefined;
    if (decision === undefined) return;
    try {
      this.engine?.decide(id, decision);
    } catch (error) {
      // The panel may have answered first; the operation has moved on either way.
      this.log.debug(`[progress] guard answer for ${id} not taken: ${(error as Error).message}`);
    }
  }

  private updateStatusBar(): void {
    this.statusBar.update([...this.tracked.values()].map((t) => ({
      title: t.title,
      snapshot: t.snapshot,
    })));
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
