import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import { activateStevedore, EXTENSION_ID, servicesOf, waitFor } from './support/stevedoreHarness';

describe('activating Stevedore', () => {
  it('activates by its id and connects to the engine DOCKER_HOST names', async () => {
    const api = await activateStevedore();

    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    const connection = servicesOf(api).connection;
    await waitFor('the engine to answer', () => connection.state === 'connected');
    assert.equal(connection.session?.location.source, 'DOCKER_HOST');
    assert.equal(connection.session?.location.endpoint.label, process.env.DOCKER_HOST);
  });

  it('registers the tree commands, the palette actions and the operation commands', async () => {
    await activateStevedore();

    const commands = new Set(await vscode.commands.getCommands(true));
    const expected = [
      'stevedore.stop', 'stevedore.remove', 'stevedore.stopContainers',
      'stevedore.removeContainers', 'stevedore.filter', 'stevedore.clearFilter',
      'stevedore.actOnVisible', 'stevedore.groupBy', 'stevedore.showOperations',
      'stevedore.cancelOperation', 'stevedore.retryFailed', 'stevedore.rollBack',
      'stevedore.resume', 'stevedore.reconnect',
    ];
    for (const id of expected) assert.ok(commands.has(id), `Expected command ${id}`);
  });

  it('contributes the Containers view with multi-selection to the Explorer', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { views: { explorer: { id: string }[] } };
    };
    assert.deepEqual(manifest.contributes.views.explorer.map((v) => v.id),
      ['stevedore.containers']);
  });

  it('opens the Operations panel from its command', async () => {
    await activateStevedore();

    await vscode.commands.executeCommand('stevedore.showOperations');

    await waitFor('the Operations panel tab', () => vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .some((tab) => tab.input instanceof vscode.TabInputWebview &&
        tab.input.viewType.endsWith('stevedore.operations')));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
