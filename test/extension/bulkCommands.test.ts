import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import type { OperationHandle } from '../../src/engine/operation/bulkEngine';
import type { ContainerNode } from '../../src/extension/tree/treeNodes';
import {
  activateStevedore,
  createTestContainers,
  refreshTree,
  removeTestContainers,
  servicesOf,
  statesOf,
  testDocker,
  useSetting,
  waitFor,
} from './support/stevedoreHarness';

describe('bulk commands', () => {
  const docker = testDocker();
  const restore: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const undo of restore.splice(0).reverse()) await undo();
  });

  after(async () => {
    for (const tag of ['multi', 'clicked', 'skip', 'palette', 'cancel', 'remove', 'group']) {
      await removeTestContainers(docker, tag);
    }
  });

  async function nodesOf(ids: readonly string[]): Promise<ContainerNode[]> {
    const api = await activateStevedore();
    await refreshTree(api);
    const provider = servicesOf(api).view.provider;
    const host = process.env.DOCKER_HOST!;
    return ids.map((id) => {
      const node = provider.nodeFor({ host, id });
      assert.ok(node, `Expected ${id} in the tree`);
      return node;
    });
  }

  it('stop on a multi-selection stops exactly the selected containers', async () => {
    const ids = await createTestContainers(docker, { tag: 'multi', count: 6, start: true });
    const nodes = await nodesOf(ids);
    const selected = nodes.slice(0, 3);

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.stop', selected[1], selected);
    assert.ok(handle, 'Expected the command to submit an operation');
    const record = await handle.done;

    assert.equal(record.status, 'completed');
    assert.deepEqual(new Set(record.items.map((i) => i.id)), new Set(ids.slice(0, 3)));
    assert.deepEqual(await statesOf(docker, ids),
      ['exited', 'exited', 'exited', 'running', 'running', 'running']);
  });

  it('acts on the clicked node alone when it is not part of the selection', async () => {
    const ids = await createTestContainers(docker, { tag: 'clicked', count: 3, start: true });
    const nodes = await nodesOf(ids);

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.pause', nodes[0], nodes.slice(1));
    const record = await handle!.done;

    assert.deepEqual(record.items.map((i) => i.id), [ids[0]]);
    assert.deepEqual(await statesOf(docker, ids), ['paused', 'running', 'running']);
  });

  it('leaves out selected containers the action does not apply to', async () => {
    const [pausedId] = await createTestContainers(docker, { tag: 'skip', count: 1, start: true });
    await docker.getContainer(pausedId!).pause();
    const createdIds = await createTestContainers(docker, { tag: 'skip', count: 2 });
    const [paused, ...created] = await nodesOf([pausedId!, ...createdIds]);

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.unpause', paused, [paused, ...created]);
    const record = await handle!.done;

    assert.deepEqual(record.items.map((i) => i.id), [pausedId]);
    assert.deepEqual(await statesOf(docker, [pausedId!, ...createdIds]),
      ['running', 'created', 'created']);
  });

  it('a group node acts on every container it shows', async () => {
    const project = 'stevedore-group-test';
    const labels = { 'com.docker.compose.project': project };
    const ids = await createTestContainers(docker, { tag: 'group', count: 4, labels });
    const api = await activateStevedore();
    await vscode.commands.executeCommand('stevedore.groupBy', 'project');
    await refreshTree(api);
    const provider = servicesOf(api).view.provider;
    const group = provider.groupNodes.find((g) => g.key === project);
    assert.ok(group, 'Expected a group for the test project');

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.start', group, [group]);
    await handle!.done;

    assert.deepEqual(await statesOf(docker, ids), ['running', 'running', 'running', 'running']);
  });

  it('a palette action given a selector runs on what the selector matches', async () => {
    const ids = await createTestContainers(docker, { tag: 'palette', count: 5 });
    await activateStevedore();

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.startContainers', { selector: 'label=stevedore.test=palette status=created' });
    const record = await handle!.done;

    assert.equal(record.status, 'completed');
    assert.equal(record.label, 'label=stevedore.test=palette status=created');
    assert.deepEqual(await statesOf(docker, ids), ids.map(() => 'running'));
  });

  it('a palette action with a bad selector runs nothing', async () => {
    await activateStevedore();

    const handle = await vscode.commands.executeCommand<OperationHandle | undefined>(
      'stevedore.stopContainers', { selector: 'label=stevedore.test=palette status=' });

    assert.equal(handle, undefined);
  });

  it('the cancel command stops dispatching: unsent items are cancelled, not acted on',
    async () => {
      restore.push(await useSetting('concurrency', { stop: 1 }));
      const ids = await createTestContainers(docker, {
        tag: 'cancel', count: 5, start: true, honoursSigterm: false,
      });
      const api = await activateStevedore();

      const handle = await vscode.commands.executeCommand<OperationHandle>(
        'stevedore.stopContainers', { selector: 'label=stevedore.test=cancel', graceSeconds: 3 });
      const engine = servicesOf(api).connection.session!.engine;
      await waitFor('the first stop to be sent', () =>
        engine.get(handle!.id)?.items.some((i) => i.state === 'running'));
      const cancelled = await vscode.commands.executeCommand('stevedore.cancelOperation',
        handle!.id);
      const record = await handle!.done;

      assert.equal(cancelled, true);
      assert.equal(record.status, 'cancelled');
      const byState = (state: string) => record.items.filter((i) => i.state === state).length;
      assert.ok(byState('cancelled') >= 3, `cancelled: ${byState('cancelled')}`);
      const states = await statesOf(docker, ids);
      assert.equal(states.filter((s) => s === 'running').length, byState('cancelled'));
    });

  it('remove on a selection removes exactly those when confirmation is turned off', async () => {
    restore.push(await useSetting('confirmDestructive', false));
    const ids = await createTestContainers(docker, { tag: 'remove', count: 3 });
    const nodes = await nodesOf(ids);

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.remove', nodes[0], nodes.slice(0, 2));
    await handle!.done;

    const left = await docker.listContainers({
      all: true, filters: { label: ['stevedore.test=remove'] },
    });
    assert.deepEqual(left.map((c) => c.Id), [ids[2]]);
  });
});
