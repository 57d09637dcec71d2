import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import {
  activateStevedore,
  servicesOf,
  useSetting,
  waitFor,
} from './support/stevedoreHarness';

describe('an engine Stevedore cannot use', () => {
  const restore: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const undo of restore.splice(0).reverse()) await undo();
  });

  after(async () => {
    const api = await activateStevedore();
    await waitFor('the sandbox engine to be used again', () =>
      servicesOf(api).connection.state === 'connected');
  });

  it('a socket that does not exist empties the tree and explains it in the view', async () => {
    const api = await activateStevedore();
    const { connection, view } = servicesOf(api);
    const socket = '/tmp/stevedore-no-such-engine.sock';

    restore.push(await useSetting('engine.host', `unix://${socket}`));

    await waitFor('the unreachable state', () => connection.state === 'unreachable');
    assert.equal(connection.session?.location.source, 'setting');
    assert.match(connection.problem?.message ?? '', new RegExp(socket.replace(/\./g, '\\.')));
    assert.match(connection.problem?.advice ?? '', /stevedore\.engine\.host/);
    assert.deepEqual(view.provider.getChildren(), []);
    assert.equal(view.treeView.message, connection.problem?.message);
  });

  it('an address that is not one is reported as a bad setting', async () => {
    const api = await activateStevedore();
    const { connection } = servicesOf(api);

    restore.push(await useSetting('engine.host', 'ftp://example.invalid'));

    await waitFor('the bad setting state', () => connection.state === 'badSetting');
    assert.match(connection.problem?.message ?? '', /ftp:\/\/example\.invalid/);
  });

  it('comes back to the engine once the setting is cleared', async () => {
    const api = await activateStevedore();
    const { connection, view } = servicesOf(api);
    restore.push(await useSetting('engine.host', 'unix:///tmp/stevedore-no-such-engine.sock'));
    await waitFor('the unreachable state', () => connection.state === 'unreachable');

    await restore.pop()!();

    await waitFor('the engine to answer', () => connection.state === 'connected');
    assert.equal(view.treeView.message, undefined);
    assert.ok(view.provider.getChildren().length > 0);
    await vscode.commands.executeCommand('stevedore.refresh');
  });
});
