import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import { type DockerSandbox, startSandbox } from '../../scripts/sandbox/dockerSandbox';
import type { OperationHandle } from '../../src/engine/operation/bulkEngine';
import { CHOOSE_ENGINES_COMMAND } from '../../src/extension/connection/chooseEngines';
import type { ContainerNode, HostNode } from '../../src/extension/tree/treeNodes';
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

// The first engine is the test wrapper's sandbox (DOCKER_HOST); the second is started here,
// so the tests can freeze it, and offered through stevedore.engine.hosts.
describe('several engines at once', function () {
  this.timeout(180_000);
  const first = testDocker();
  const firstHost = process.env.DOCKER_HOST!;
  let second: DockerSandbox;
  let restoreHosts: (() => Promise<void>) | undefined;

  before(async () => {
    second = await startSandbox({ name: 'ext-several' });
    const api = await activateStevedore();
    restoreHosts = await useSetting('engine.hosts', [{ name: 'second', host: second.dockerHost }]);
    await vscode.commands.executeCommand(CHOOSE_ENGINES_COMMAND,
      ['default', `host:${second.dockerHost}`]);
    const { connection } = servicesOf(api);
    await waitFor('both engines to answer', () =>
      connection.hostStatus(firstHost)?.answering === true &&
      connection.hostStatus(second.dockerHost)?.answering === true);
  });

  after(async () => {
    second?.thaw();
    const api = await activateStevedore();
    await vscode.commands.executeCommand(CHOOSE_ENGINES_COMMAND, []);
    await restoreHosts?.();
    await waitFor('one engine again', () =>
      servicesOf(api).connection.session?.hosts.length === 1 &&
      servicesOf(api).connection.state === 'connected');
    for (const tag of ['hosts-tree', 'hosts-bulk']) await removeTestContainers(first, tag);
    await second?.stop();
  });

  async function hostNodes(): Promise<HostNode[]> {
    const api = await activateStevedore();
    await servicesOf(api).connection.session!.containers.refreshNow();
    return servicesOf(api).view.provider.getChildren() as HostNode[];
  }

  function containersUnder(host: HostNode): ContainerNode[] {
    return host.children.flatMap((group) => group.children);
  }

  it('shows one node per engine, each with its own containers and counts', async () => {
    const onSecond = await createTestContainers(second.docker, { tag: 'hosts-tree', count: 3 });
    const onFirst = await createTestContainers(first, { tag: 'hosts-tree', count: 2 });

    const hosts = await hostNodes();

    assert.deepEqual(hosts.map((h) => [h.kind, h.host, h.label]), [
      ['host', firstHost, firstHost],
      ['host', second.dockerHost, 'second'],
    ]);
    const secondIds = containersUnder(hosts[1]!).map((n) => n.container.id);
    assert.deepEqual(new Set(secondIds), new Set(onSecond));
    assert.equal(hosts[1]!.total, 3);
    assert.equal(hosts[1]!.answering, true);
    const firstIds = new Set(containersUnder(hosts[0]!).map((n) => n.container.id));
    assert.ok(onFirst.every((id) => firstIds.has(id)));
    assert.ok(onSecond.every((id) => !firstIds.has(id)));
    assert.equal(hosts[0]!.total, (await first.listContainers({ all: true })).length);
  });

  it('one bulk command over containers of both engines changes both', async () => {
    const onFirst = await createTestContainers(first, { tag: 'hosts-bulk', count: 2 });
    const onSecond = await createTestContainers(second.docker, { tag: 'hosts-bulk', count: 2 });
    await hostNodes();
    const provider = servicesOf(await activateStevedore()).view.provider;
    const nodes = [
      ...onFirst.map((id) => provider.nodeFor({ host: firstHost, id })),
      ...onSecond.map((id) => provider.nodeFor({ host: second.dockerHost, id })),
    ];
    assert.ok(nodes.every((node) => node !== undefined), 'Expected every container in the tree');

    const handle = await vscode.commands.executeCommand<OperationHandle>(
      'stevedore.start', nodes[0], nodes);
    assert.ok(handle, 'Expected the command to submit an operation');
    const record = await handle.done;

    assert.equal(record.status, 'completed');
    assert.deepEqual(new Set(record.items.map((i) => i.host)),
      new Set([firstHost, second.dockerHost]));
    assert.deepEqual(await statesOf(first, onFirst), ['running', 'running']);
    assert.deepEqual(await statesOf(second.docker, onSecond), ['running', 'running']);
  });

  it('an engine that stops answering shows its problem while the other stays listed', async () => {
    const api = await activateStevedore();
    const { connection, view } = servicesOf(api);
    const secondHost = second.dockerHost;

    await second.freeze('dockerd');
    void connection.session!.host(secondHost)!.containers.refreshNow();
    // A frozen engine accepts the connection and says nothing: the list's deadline decides.
    await waitFor('the second engine to be reported', () =>
      connection.hostStatus(secondHost)?.answering === false, 90_000);

    assert.equal(connection.state, 'connected');
    assert.equal(view.treeView.message, undefined);
    const problem = connection.hostStatus(secondHost)!.problem!;
    assert.equal(problem.state, 'unreachable');
    assert.match(problem.message, /"second"/);
    assert.ok(problem.message.includes(secondHost));
    const [firstNode, secondNode] = view.provider.getChildren() as HostNode[];
    assert.equal(secondNode!.answering, false);
    assert.equal(secondNode!.children.length, 0);
    assert.equal(view.provider.getTreeItem(secondNode!).description, 'not answering');
    assert.equal(firstNode!.answering, true);
    assert.ok(containersUnder(firstNode!).length > 0);

    second.thaw();
    await connection.connect();
    await waitFor('the second engine to answer again', () =>
      connection.hostStatus(secondHost)?.answering === true);
  });
});
