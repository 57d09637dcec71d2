import { join } from 'node:path';

import * as vscode from 'vscode';

import { PlannerClient } from '../engine/planner/worker/plannerClient';
import { LimitMemory } from '../engine/queue/limitMemory';
import { COMMANDS } from './commands/commandIds';
import type { CommandDeps } from './commands/commandDeps';
import { registerCommands } from './commands/registerCommands';
import { CHOOSE_ENGINES_COMMAND, chooseEngines } from './connection/chooseEngines';
import { EngineConnection } from './connection/engineConnection';
import { DetachableHistoryStore } from './history/detachableHistoryStore';
import { rerunOperation } from './operations/rerunOperation';
import { EngineBackend } from './panel/engineBackend';
import { OperationsPanel, registerOperationsPanelSerializer } from './panel/operationsPanel';
import { registerSelectorHelp } from './pickers/selectorHelpDocument';
import { registerScheduleCommands } from './schedule/registerScheduleCommands';
import { ScheduleRunner } from './schedule/scheduleRunner';
import { schedulesDir } from './schedule/schedulesDir';
import { SettingsReader } from './settings/settingsReader';
import { OperationProgress } from './status/operationProgress';
import { ContainersView } from './tree/containersView';

/**
 * Everything the extension runs, built once per activation and passed to whoever needs
 * it: settings, history, the engine connection, the planner worker, the Containers view,
 * progress, the Operations panel and the commands. `stop` releases all of it.
 */
export class StevedoreServices {
  private constructor(
    readonly settings: SettingsReader,
    readonly history: DetachableHistoryStore,
    readonly connection: EngineConnection,
    readonly planner: PlannerClient,
    readonly view: ContainersView,
    readonly progress: OperationProgress,
    readonly backend: EngineBackend,
    readonly panel: OperationsPanel,
    private readonly registrations: vscode.Disposable,
  ) {}

  /** Where operation history is kept: in the extension's global storage, per machine. */
  static historyDir(context: vscode.ExtensionContext): string {
    return join(context.globalStorageUri.fsPath, 'history');
  }

  /** Builds the services and connects to the engine; the first list follows on its own. */
  static async start(
    context: vscode.ExtensionContext,
    log: vscode.LogOutputChannel,
  ): Promise<StevedoreServices> {
    const settings = new SettingsReader(log);
    // The size limit is read once: a changed stevedore.historyMaxMegabytes applies from the
    // next activation (the setting's description says so).
    const history = new DetachableHistoryStore(StevedoreServices.historyDir(context), {
      maxBytes: settings.settings.historyMaxBytes,
      log,
    });
    // Limits that worked before live beside the history, as the CLI keeps them.
    const limits = new LimitMemory(StevedoreServices.historyDir(context), { log });
    for (const warning of await limits.load()) log.warn(`[limits] ${warning}`);
    const connection = new EngineConnection(settings, history, limits, log, context.globalState);
    const planner = new PlannerClient({
      workerPath: join(context.extensionPath, 'dist', 'plannerWorker.js'),
    });
    const view = new ContainersView(connection, settings, log);
    const progress = new OperationProgress(
      { showOperations: COMMANDS.showOperations, retryFailed: COMMANDS.retryFailed },
      log,
    );

    const runDeps = { connection, planner, settings, log };
    const backend = new EngineBackend({
      history,
      log,
      rerun: async (record) => {
        await rerunOperation(runDeps, record);
      },
    });
    const panel = new OperationsPanel(context.extensionUri, backend, log);
    const deps: CommandDeps = { ...runDeps, view, panel };
    const schedules = new ScheduleRunner(runDeps, schedulesDir());

    const registrations = vscode.Disposable.from(
      registerCommands(deps),
      registerScheduleCommands(runDeps, schedules),
      schedules,
      vscode.commands.registerCommand(CHOOSE_ENGINES_COMMAND,
        (arg: unknown) => chooseEngines(connection, arg)),
      registerSelectorHelp(),
      registerOperationsPanelSerializer(context, panel),
      history.onWarning((message) => void vscode.window.showWarningMessage(message)),
      connection.onDidChangeSession((session) => {
        progress.follow(session?.engine);
        backend.follow(session?.engine);
      }),
    );

    const services = new StevedoreServices(
      settings, history, connection, planner, view, progress, backend, panel, registrations,
    );
    await connection.connect();
    schedules.start();
    return services;
  }

  /**
   * Releases everything. The history is written out and detached first, so operations
   * still running are kept as running in it and show as interrupted next time, ready to
   * resume, rather than as cancelled by this shutdown.
   */
  async stop(): Promise<void> {
    await this.history.flush();
    this.history.detach();

    this.registrations.dispose();
    this.panel.dispose();
    this.view.dispose();
    this.progress.dispose();
    this.backend.dispose();
    this.planner.dispose();
    await this.connection.dispose();
    this.settings.dispose();
  }
}
