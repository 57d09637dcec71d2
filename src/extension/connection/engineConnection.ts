import * as vscode from 'vscode';

import type { EngineLocation } from '../../engine/docker/locateEngine';
import type { HistoryStore } from '../../engine/history/historyStore';
import type { LimitMemory } from '../../engine/queue/limitMemory';
import type { SettingsReader } from '../settings/settingsReader';
import type { HostView } from '../tree/containerTreeProvider';
import type { ListOutcome } from '../tree/liveContainers';
import { type ConnectionProblem, describeProblem, type EngineState } from './connectionProblem';
import {
  activeChoices,
  DEFAULT_ENGINE_ID,
  type EngineChoice,
  type EngineChoices,
  listEngineChoices,
} from './engineChoices';
import { EngineSession, type SessionEngine, type SessionHost } from './engineSession';

/** The context key the welcome view and menus read; its values are `EngineState`. */
export const ENGINE_STATE_KEY = 'stevedore.engineState';

/** Where the ids of the engines the user chose are remembered, per machine. */
export const ACTIVE_ENGINES_KEY = 'stevedore.activeEngines';

/** Whether one active engine answers, and what is wrong with it while it does not. */
export interface HostStatus {
  /** Undefined until its first list answers or fails. */
  readonly answering: boolean | undefined;
  readonly problem?: ConnectionProblem;
}

/**
 * The connection to the Docker engines the user chose (the default one unless they chose
 * others). It opens one session over them, watches each engine's lists to know whether it
 * answers, and says so once per distinct problem and engine (a message with what to do; the
 * welcome view when no engine answers); it never repeats a toast while the problem lasts.
 * A changed address or set of engines opens a new session once running operations end.
 */
export class EngineConnection implements vscode.Disposable {
  private current: EngineSession | undefined;
  private stateValue: EngineState = 'connecting';
  private problemValue: ConnectionProblem | undefined;
  // Per engine (or "address" while none can be located): the problem last shown to the user.
  private readonly shownProblems = new Map<string, string>();
  private readonly loggedChoiceProblems = new Set<string>();
  private hostStatuses = new Map<string, HostStatus>();
  private historyLoaded = false;
  // While the address cannot be used, lists of the previous session must not say all is well.
  private addressUnusable = false;
  private connecting: Promise<void> = Promise.resolve();
  private disposed = false;
  private sessionSubscription: { dispose(): void } | undefined;
  private readonly sessionChanged = new vscode.EventEmitter<EngineSession | undefined>();
  private readonly stateChanged = new vscode.EventEmitter<EngineState>();
  private readonly listed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];

  /** Fires when a new session replaced the old one (or none could be opened). */
  readonly onDidChangeSession = this.sessionChanged.event;
  /** Fires when the engine starts or stops answering. */
  readonly onDidChangeState = this.stateChanged.event;
  /** Fires after any engine's list was taken in, once its status is up to date. */
  readonly onDidList = this.listed.event;

  constructor(
    private readonly settings: SettingsReader,
    private readonly history: HistoryStore,
    private readonly limits: LimitMemory,
    private readonly log: vscode.LogOutputChannel,
    private readonly memory: vscode.Memento,
  ) {
    this.subscriptions = [
      this.sessionChanged,
      this.stateChanged,
      this.listed,
      settings.onDidChange((change) => {
        if (change.affects('engine.host') || change.affects('engine.hosts')) void this.connect();
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

  /** What is wrong while no engine answers (or none can be located). */
  get problem(): ConnectionProblem | undefined {
    return this.problemValue;
  }

  /** How one engine of the session fares, by its name as containers carry it. */
  hostStatus(hostName: string): HostStatus | undefined {
    return this.hostStatuses.get(hostName);
  }

  /** The session's engines as the tree shows them, in the order they were chosen. */
  hostViews(): HostView[] {
    return (this.current?.hosts ?? []).map((host) => {
      const status = this.hostStatuses.get(host.hostName);
      return {
        host: host.hostName,
        label: host.engine.name,
        answering: status?.answering,
        ...(status?.problem === undefined ? {} : { problem: status.problem.message }),
      };
    });
  }

  /** Every engine the user may choose from, read afresh (contexts may have changed). */
  listChoices(): Promise<EngineChoices> {
    return listEngineChoices(this.settings.settings);
  }

  /** The ids of the chosen engines, as remembered; the default alone when none are. */
  get activeIds(): readonly string[] {
    const remembered = this.memory.get<unknown>(ACTIVE_ENGINES_KEY);
    return Array.isArray(remembered) && remembered.every((id) => typeof id === 'string')
      ? remembered as string[] : [DEFAULT_ENGINE_ID];
  }

  /** Remembers which engines to use and connects to them. */
  async setActiveEngines(ids: readonly string[]): Promise<void> {
    await this.memory.update(ACTIVE_ENGINES_KEY, ids.length === 0 ? undefined : [...ids]);
    await this.connect();
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
    const engines = await this.locateEngines();
    if (engines === undefined) return;
    this.addressUnusable = false;
    this.shownProblems.delete('address');
    const labels = engines.map((engine) => engine.location.endpoint.label);

    const old = this.current;
    if (old !== undefined && sameList(old.hostNames, labels)) {
      this.log.info(`[connection] checking ${labels.join(', ')} again`);
      await old.containers.refreshNow();
      return;
    }
    if (old !== undefined && old.hasActiveOperations()) {
      void vscode.window.showInformationMessage(
        `Stevedore switches to ${labels.join(', ')} once the running operations end.`,
      );
      await old.engine.whenIdle();
    }
    if (this.disposed) return;

    for (const engine of engines) {
      this.log.info(`[connection] using ${engine.location.endpoint.label} ` +
        `(from ${engine.origin ?? engine.location.source})`);
    }
    const session = new EngineSession(engines, this.history, this.limits, this.log);
    if (!this.historyLoaded) {
      this.historyLoaded = true;
      await this.loadHistory(session);
    }
    if (this.disposed) {
      await session.dispose();
      return;
    }

    this.sessionSubscription?.dispose();
    const subscriptions = session.hosts.map((host) =>
      host.containers.onDidList((outcome) => this.onList(session, host, outcome)));
    this.sessionSubscription = { dispose: () => subscriptions.forEach((s) => s.dispose()) };
    this.hostStatuses = new Map(session.hosts.map((host) => [host.hostName, {
      answering: undefined,
    }]));
    for (const key of [...this.shownProblems.keys()]) {
      if (session.host(key) === undefined) this.shownProblems.delete(key);
    }
    this.current = session;
    this.setState('connecting');
    this.sessionChanged.fire(session);
    await old?.dispose();
    session.start();
  }

  /**
   * Locates every chosen engine, dropping repeats of one address. With one engine chosen,
   * an address that cannot be used is the problem, as always; with several, it is said once
   * for that engine and the others are used. Undefined when none can be used.
   */
  private async locateEngines(): Promise<SessionEngine[] | undefined> {
    let chosen: EngineChoice[];
    try {
      const { choices, problems } = await this.listChoices();
      for (const problem of problems) {
        if (this.loggedChoiceProblems.has(problem)) continue;
        this.loggedChoiceProblems.add(problem);
        this.log.warn(`[connection] ${problem}`);
      }
      chosen = activeChoices(choices, this.activeIds);
    } catch (error) {
      this.addressUnusable = true;
      this.setProblem(describeProblem(error, undefined), 'address');
      return undefined;
    }

    const several = chosen.length > 1;
    const engines: SessionEngine[] = [];
    let firstProblem: ConnectionProblem | undefined;
    for (const choice of chosen) {
      let location: EngineLocation;
      try {
        location = await choice.locate();
      } catch (error) {
        const problem = describeProblem(error, undefined, several ? choice : undefined);
        firstProblem ??= problem;
        if (several) this.announce(problem, `choice:${choice.id}`);
        continue;
      }
      this.shownProblems.delete(`choice:${choice.id}`);
      if (engines.some((e) => e.location.endpoint.label === location.endpoint.label)) continue;
      engines.push({
        location,
        name: nameOf(choice, location),
        ...(several ? { origin: choice.origin } : {}),
      });
    }

    if (engines.length === 0) {
      this.addressUnusable = true;
      this.setProblem(firstProblem!, 'address');
      return undefined;
    }
    return engines;
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

  private onList(session: EngineSession, host: SessionHost, outcome: ListOutcome): void {
    if (session !== this.current || this.addressUnusable) return;
    const before = this.hostStatuses.get(host.hostName);
    if (outcome.ok) {
      if (before?.answering !== true) {
        this.log.info(`[connection] ${host.hostName} answers`);
      }
      this.hostStatuses.set(host.hostName, { answering: true });
      this.shownProblems.delete(host.hostName);
    } else {
      const several = session.hosts.length > 1;
      const problem = describeProblem(outcome.error, host.location,
        several ? host.engine : undefined);
      this.hostStatuses.set(host.hostName, { answering: false, problem });
      this.announce(problem, host.hostName);
    }
    this.updateState(session);
    this.listed.fire();
  }

  // Connected while any engine answers; the first engine's problem once none does.
  private updateState(session: EngineSession): void {
    const statuses = session.hosts.map((host) => this.hostStatuses.get(host.hostName));
    if (statuses.some((status) => status?.answering === true)) {
      this.problemValue = undefined;
      this.setState('connected');
      return;
    }
    if (!statuses.every((status) => status?.answering === false)) return;
    const problem = statuses[0]!.problem!;
    this.problemValue = problem;
    // The view's message shows the problem's text, which may change while the state does not.
    if (!this.setState(problem.state)) this.stateChanged.fire(problem.state);
  }

  // While no engine can be located: the problem is the view's, and said once.
  private setProblem(problem: ConnectionProblem, where: string): void {
    this.problemValue = problem;
    if (!this.setState(problem.state)) this.stateChanged.fire(problem.state);
    this.announce(problem, where);
  }

  // One message per kind of problem and engine, until that engine answers again: an engine
  // that stays down, or flaps, must not bring a new toast with every list or reconnect.
  private announce(problem: ConnectionProblem, where: string): void {
    const key = `${problem.state}:${problem.message}`;
    const shown = this.shownProblems.get(where);
    if (shown !== undefined && shown.startsWith(`${problem.state}:`)) return;
    this.shownProblems.set(where, key);
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

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

// The default engine is known by where it was found: its context's name, else its address.
function nameOf(choice: EngineChoice, location: EngineLocation): string {
  if (choice.id !== DEFAULT_ENGINE_ID) return choice.name;
  return location.contextName ?? location.endpoint.label;
}
