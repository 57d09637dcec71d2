import * as vscode from 'vscode';

import type { EngineConnection } from '../connection/engineConnection';
import type { EngineSession } from '../connection/engineSession';
import type { SettingsReader } from '../settings/settingsReader';
import { type ContainerFilter, ContainerTreeProvider } from './containerTreeProvider';
import type { TreeNode } from './treeNodes';

/** The view's id in `package.json`. */
export const CONTAINERS_VIEW_ID = 'stevedore.containers';

/** The context key that tells menus and the welcome view a filter is on. */
export const FILTER_ACTIVE_KEY = 'stevedore.filterActive';

/**
 * The Containers view: the tree view, fed by the current session's live lists, one node per
 * engine when several are active. It shows the engine's problem as the view's message (the welcome view below it offers Retry and
 * Settings), the filter and counts as its description, and tells the list whether the view
 * is visible so the safety re-list runs only then.
 */
export class ContainersView implements vscode.Disposable {
  readonly provider: ContainerTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  private session: EngineSession | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connection: EngineConnection,
    settings: SettingsReader,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.provider = new ContainerTreeProvider(settings.settings.groupBy);
    this.treeView = vscode.window.createTreeView(CONTAINERS_VIEW_ID, {
      treeDataProvider: this.provider,
      canSelectMany: true,
      showCollapseAll: true,
    });
    this.subscriptions = [
      this.provider,
      this.treeView,
      this.treeView.onDidChangeVisibility(({ visible }) =>
        this.session?.containers.setVisible(visible)),
      this.provider.onDidRebuild(() => this.describe()),
      connection.onDidChangeSession((session) => this.attach(session)),
      connection.onDidChangeState(() => this.show()),
      // After each engine's list, once the connection knows whether that engine answers.
      connection.onDidList(() => this.show()),
      settings.onDidChange(({ settings: s }) => this.provider.setGroupBy(s.groupBy)),
    ];
    void vscode.commands.executeCommand('setContext', FILTER_ACTIVE_KEY, false);
    this.attach(connection.session);
  }

  /** Filters the view, or clears the filter with undefined. */
  setFilter(filter: ContainerFilter | undefined): void {
    void vscode.commands.executeCommand('setContext', FILTER_ACTIVE_KEY, filter !== undefined);
    this.provider.setFilter(filter);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private attach(session: EngineSession | undefined): void {
    this.session?.containers.setVisible(false);
    this.session = session;
    session?.containers.setVisible(this.treeView.visible);
    this.show();
  }

  private show(): void {
    const live = this.session?.containers;
    const connected = this.connection.state === 'connected';
    const started = performance.now();
    this.provider.update(live?.containers ?? [], connected, this.connection.hostViews());
    this.log.trace(`[tree] rebuilt ${this.provider.treeCounts.total} containers in ` +
      `${(performance.now() - started).toFixed(1)} ms`);

    const problem = this.connection.problem;
    this.treeView.message = connected || problem === undefined ? undefined : problem.message;
  }

  private describe(): void {
    const { total, visible } = this.provider.treeCounts;
    const filter = this.provider.filter;
    this.treeView.description = filter === undefined
      ? undefined
      : `${filter.text} (${visible} of ${total})`;
  }
}
