import * as vscode from 'vscode';

import { type EngineLocation, locateEngine } from '../../engine/docker/locateEngine';
import type { HistoryStore } from '../../engine/history/historyStore';
import type { LimitMemory } from '../../engine/queue/limitMemory';
import type { SettingsReader } from '../settings/settingsReader';
import type { ListOutcome } from '../tree/liveContainers';
import { type ConnectionProblem, describeProblem, type EngineState } from './connectionProblem';
import { EngineSession } from './engineSession';

/** The context key the welcome view and menus read; its values are `EngineState`. */
export const ENGINE_STATE_KEY = 'stevedore.engineState';

/**
 * The connection to the Docker engine the settings point at. It opens a session, watches
 * its lists to know whether the engine answers, and says so once per distinct problem (a
 * message with what to do, and the welcome view); it never repeats a toast while the
 * problem lasts. A changed address opens a new session once running operations end.
 */
export class EngineConnection implements vscode.Disposable {
  private current: EngineSession | undefined;
  private stateValue: EngineState = 'connecting';
  private problemValue: ConnectionProblem | undefined;
  private shownProblem: string | undefined;
  private historyLoaded = false;
  // While the address cannot be used, lists of the previous session must not say all is well.
  private addressUnusable = false;
  private connecting: Promise<void> = Promise.resolve();
  private disposed = false;
  private sessionSubscription: { dispose(): void } | undefined;
  private readonly sessionChanged = new vscode.EventEmitter<EngineSession | undefined>();
  private readonly stateChanged = new vscode.EventEmitter<EngineState>();
  private readonly subscriptions: vscode.Disposable[];

  /** Fires when a new session replaced the old one (or none could be opened). */
  readonly onDidChangeSession = this.sessionChanged.event;
  /** Fires when the engine starts or stops answering. */
  readonly onDidChangeState = this.stateChanged.event;

  constructor(
    private readonly settings: SettingsReader,
    private readonly history: HistoryStore,
    private readonly limits: LimitMemory,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.sessionChanged,
      this.stateChanged,
      settings.onDidChange((change) => {
        if (change.affects('engine.host')) void this.connect();
      }),
    ];
    void vscode.commands.executeCommand('setContext', ENGINE_STATE_KEY, this.stateValue);
  }

  /** The session of the engine in use, or undefined when the address is unusable. */
  get session(): EngineSession | undefined {
    return this.current;
  }

  get state(): EngineState {
    return this.stateValue;
  }

  /** What is wrong, while something is. */
  get problem(): ConnectionProblem | undefined {
    return this.problemValue;
  }

  /**
   * Locates the engine again and lists its containers: a new session when the address
   * changed, a fresh list on the same session otherwise. Calls run one after another, so
   * the last one always sees the latest settings.
   */
  connect(): Promise<void> {
    const run = this.connecting.then(() => this.connectOnce());
    this.connecting = run.catch((error: unknown) => {
      this.log.error(`[connection] connecting failed: ${String(error)}`);
    });
    return run;
  }

  /** Closes the session; the history was detached first by the caller when it must be. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.sessionSubscription?.dispose();
    await this.current?.dispose();
    this.current = undefined;
  }

  private async connectOnce(): Promise<void> {
    let location: EngineLocation;
    try {
      location = await locateEngine({ host: this.settings.settings.engineHost });
    } catch (error) {
      this.addressUnusable = true;
      this.setProblem(describeProblem(error, undefined), 'address');
      return;
    }
    this.addressUnusable = false;

    const old = this.current;
    if (old !== undefined && old.location.endpoint.label === location.endpoint.label) {
      this.log.info(`[connection] checking ${location.endpoint.label} again`);
      await old.containers.refreshNow();
      return;
    }
    if (old !== undefined && old.hasActiveOperations()) {
      void vscode.window.showInformationMessage(
        `Stevedore switches to ${location.endpoint.label} once the running operations end.`,
      );
      await old.engine.whenIdle();
    }
    if (this.disposed) return;

    this.log.info(`[connection] using ${location.endpoint.label} (from ${location.source})`);
    const session = new EngineSession(location, this.history, this.limits, this.log);
    if (!this.historyLoaded) {
      this.historyLoaded = true;
      await this.loadHistory(session);
    }
    if (this.disposed) {
      await session.dispose();
      return;
    }

    this.sessionSubscription?.dispose();
    this.sessionSubscription = session.containers.onDidList((outcome) =>
      this.onList(session, outcome));
    this.current = session;
    this.setState('connecting');
    this.sessionChanged.fire(session);
    await old?.dispose();
    session.start();
  }

  // An unreadable history must not keep the view from working: say so once and go on.
  private async loadHistory(session: EngineSession): Promise<void> {
    try {
      for (const warning of await session.engine.loadHistory()) {
        void vscode.window.showWarningMessage(`Stevedore: ${warning}`);
      }
    } catch (error) {
      const message = `Stevedore cannot read its operation history: ${(error as Error).message}`;
      this.log.error(`[history] ${message}`);
      void vscode.window.showWarningMessage(message);
    }
  }

  private onList(session: EngineSession, outcome: ListOutcome): void {
    if (session !== this.current || this.addressUnusable) return;
    if (outcome.ok) {
      if (this.stateValue !== 'connected') {
        this.log.info(`[connection] ${session.location.endpoint.label} answers`);
      }
      this.problemValue = undefined;
      this.shownProblem = undefined;
      this.setState('connected');
      return;
    }
    this.setProblem(describeProblem(outcome.error, session.location),
      session.location.endpoint.label);
  }

  // One message per kind of problem and engine, until the engine answers again: an engine
  // that stays down, or flaps, must not bring a new toast with every list or reconnect.
  private setProblem(problem: ConnectionProblem, where: string): void {
    this.problemValue = problem;
    // The view's message shows the problem's text, which may change while the state does not.
    if (!this.setState(problem.state)) this.stateChanged.fire(problem.state);
    const key = `${problem.state}:${where}`;
    if (this.shownProblem === key) return;
    this.shownProblem = key;
    this.log.error(`[connection] ${problem.message} ${problem.advice}`);
    void this.showProblem(problem);
  }

  private async showProblem(problem: ConnectionProblem): Promise<void> {
    const choice = await vscode.window.showErrorMessage(
      `Stevedore: ${problem.message} ${problem.advice}`,
      'Retry',
      'Open Settings',
    );
    if (choice === 'Retry') await this.connect();
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'stevedore.engine');
    }
  }

  private setState(state: EngineState): boolean {
    if (state === this.stateValue) return false;
    this.stateValue = state;
    void vscode.commands.executeCommand('setContext', ENGINE_STATE_KEY, state);
    this.stateChanged.fire(state);
    return true;
  }
}
