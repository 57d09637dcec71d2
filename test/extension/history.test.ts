import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import { HistoryStore } from '../../src/engine/history/historyStore';
import type { OperationRecord } from '../../src/engine/model/operation';
import type { OperationHandle } from '../../src/engine/operation/bulkEngine';
import {
  activateStevedore,
  createTestContainers,
  removeTestContainers,
  servicesOf,
  statesOf,
  testDocker,
  useSetting,
  waitFor,
} from './support/stevedoreHarness';

// A real window reload cannot be driven from inside the extension host it would end, so
// these tests restart the extension's services the way a reload does (stop as on
// deactivate, start as on activate) over the same global storage folder, and also read
// that folder with a HistoryStore of their own.
describe('operation history across a restart', () => {
  const docker = testDocker();
  const restore: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const undo of restore.splice(0).reverse()) await undo();
  });

  after(async () => {
    await removeTestContainers(docker, 'history');
    await removeTestContainers(docker, 'interrupted');
  });

  it('keeps a finished operation, with its items, in the global storage folder', async () => {
    const ids = await createTestContainers(docker, { tag: 'history', count: 3 });
    const api = await activateStevedore();
    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.startContainers', { selector: 'label=stevedore.test=history' });
    const finished = await handle!.done;

    const services = await api.restart();

    const again = services.connection.session?.engine.get(finished.id);
    assert.equal(again?.status, 'completed');
    assert.deepEqual(new Set(again?.items.map((i) => i.id)), new Set(ids));
    const store = new HistoryStore(services.history.dir);
    const { operations } = await store.load();
    assert.equal(operations.find((r) => r.id === finished.id)?.items.length, 3);
  });

  it('shows an operation that was running at shutdown as interrupted, and resumes it',
    async () => {
      restore.push(await useSetting('concurrency', { stop: 1 }));
      const ids = await createTestContainers(docker, {
        tag: 'interrupted', count: 4, start: true, honoursSigterm: false,
      });
      const api = await activateStevedore();
      const handle = await vscode.commands.executeCommand<OperationHandle>(
        'stevedore.stopContainers',
        { selector: 'label=stevedore.test=interrupted', graceSeconds: 2 },
      );
      const engine = servicesOf(api).connection.session!.engine;
      await waitFor('the first stop to be sent', () =>
        engine.get(handle!.id)?.items.some((i) => i.state === 'running'));

      const services = await api.restart();

      const engineAfter = services.connection.session!.engine;
      assert.equal(engineAfter.get(handle!.id)?.status, 'interrupted');
      const listed = services.backend.getState().history.find((h) =>
        h.operationId === handle!.id);
      assert.equal(listed?.status, 'interrupted', 'Expected the panel to list it as interrupted');
      const record = await vscode.commands.executeCommand<OperationRecord>(
        'stevedore.resume', handle!.id);
      assert.equal(record?.status, 'completed');
      await waitFor('every container to have stopped', async () =>
        (await statesOf(docker, ids)).every((s) => s === 'exited'));
    });
});
