// Runs inside a real VS Code: the panel's page must load in a real webview, under the real
// CSP, and say ready, which the session answers by reading the backend's state.
import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { PanelBackend } from '../../../src/extension/panel/panelBackend';
import {
  OPERATIONS_VIEW_TYPE,
  OperationsPanel,
} from '../../../src/extension/panel/operationsPanel';
import { active, past, perf } from '../../webview-ui/fixtures';

/** A backend with one running and one past operation that counts the state reads. */
function countingBackend(): PanelBackend & { stateReads: number } {
  const done = (): Promise<void> => Promise.resolve();
  return {
    stateReads: 0,
    getState() {
      this.stateReads += 1;
      return { active: [active('op-1', {}, 'panel test')], history: [past('h-1', 'completed')] };
    },
    getItems: () => [],
    getPerf: perf,
    onDidChange: () => ({ dispose() {} }),
    cancel: done,
    retry: done,
    rollback: done,
    decide: done,
    setPriority: done,
    rerun: done,
    resume: done,
    clearHistory: done,
  };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function operationsTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview
      && tab.input.viewType.endsWith(OPERATIONS_VIEW_TYPE));
}

describe('the Operations panel in VS Code', () => {
  it('opens one panel whose page loads under its CSP and asks for a snapshot', async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'stevedore');
    assert.ok(extension, 'the Stevedore extension is loaded');
    const log = vscode.window.createOutputChannel('Stevedore panel test', { log: true });
    const backend = countingBackend();
    const panel = new OperationsPanel(extension.extensionUri, backend, log);

    try {
      panel.show();
      panel.show();
      await waitUntil(() => backend.stateReads > 0, 'the page said ready');

      const tabs = operationsTabs();
      assert.equal(tabs.length, 1);
      assert.equal(tabs[0]?.label, 'Stevedore Operations');
    } finally {
      panel.dispose();
      log.dispose();
    }
    await waitUntil(() => operationsTabs().length === 0, 'the panel closed', 5000);
  });
});
