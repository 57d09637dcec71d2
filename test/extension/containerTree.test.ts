import * as assert from 'node:assert/strict';

import * as vscode from 'vscode';

import { COMPOSE_PROJECT_LABEL } from '../../src/engine/model/container';
import type { ContainerNode, GroupNode } from '../../src/extension/tree/treeNodes';
import {
  activateStevedore,
  createTestContainers,
  refreshTree,
  removeTestContainers,
  servicesOf,
  testDocker,
  waitFor,
} from './support/stevedoreHarness';

const TAG = 'tree';

describe('the Containers view', () => {
  const docker = testDocker();

  after(async () => {
    await removeTestContainers(docker, TAG);
    await vscode.commands.executeCommand('stevedore.clearFilter');
  });

  it('lists every container of the engine, keyed by host and id', async () => {
    const api = await activateStevedore();
    await refreshTree(api);
    const provider = servicesOf(api).view.provider;

    const engine = await docker.listContainers({ all: true });
    const shown = provider.visibleContainers();
    assert.deepEqual(new Set(shown.map((c) => c.id)), new Set(engine.map((c) => c.Id)));

    const host = process.env.DOCKER_HOST!;
    const node = provider.nodeFor({ host, id: engine[0]!.Id });
    assert.equal(node?.id, `${host}/${engine[0]!.Id}`);
    assert.equal(provider.getTreeItem(node!).id, node?.id);
  });

  it('groups by compose project with counts, and shows each state in icon and menus', async () => {
    const api = await activateStevedore();
    await vscode.commands.executeCommand('stevedore.groupBy', 'project');
    await refreshTree(api);
    const provider = servicesOf(api).view.provider;

    const engine = await docker.listContainers({ all: true });
    const projects = new Set(engine.map((c) => c.Labels[COMPOSE_PROJECT_LABEL] ?? '(none)'));
    const groups = provider.getChildren() as GroupNode[];
    assert.equal(groups.length, projects.size);
    for (const group of groups) {
      const item = provider.getTreeItem(group);
      assert.equal(item.contextValue, 'group');
      assert.match(String(item.description), new RegExp(`^${group.children.length} · `));
    }

    const byId = new Map(engine.map((c) => [c.Id, c.State]));
    for (const node of groups.flatMap((g) => provider.getChildren(g) as ContainerNode[])) {
      const item = provider.getTreeItem(node);
      assert.equal(item.contextValue, `container.${byId.get(node.container.id)}`);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon);
    }
  });

  it('groups by state when asked, one group per state the engine reports', async () => {
    const api = await activateStevedore();
    await vscode.commands.executeCommand('stevedore.groupBy', 'state');
    const provider = servicesOf(api).view.provider;

    const engine = await docker.listContainers({ all: true });
    const keys = (provider.getChildren() as GroupNode[]).map((g) => g.key).sort();
    assert.deepEqual(keys, [...new Set(engine.map((c) => c.State))].sort());
    assert.equal(vscode.workspace.getConfiguration('stevedore').get('groupBy'), 'state');
    await vscode.commands.executeCommand('stevedore.groupBy', 'project');
  });

  it('follows a change made outside Stevedore through the event stream, keeping the node',
    async () => {
      const api = await activateStevedore();
      const provider = servicesOf(api).view.provider;
      const [id] = await createTestContainers(docker, { tag: TAG, count: 1 });
      const host = process.env.DOCKER_HOST!;
      const node = await waitFor('the new container in the tree', () =>
        provider.nodeFor({ host, id: id! }));
      assert.equal(node.container.state, 'created');

      await docker.getContainer(id!).start();

      await waitFor('the tree to show it running', () =>
        provider.nodeFor({ host, id: id! })?.container.state === 'running');
      assert.equal(provider.nodeFor({ host, id: id! }), node);
    });

  it('shows only what a filter matches, and says so in the view description', async () => {
    const api = await activateStevedore();
    await refreshTree(api);
    const { provider, treeView } = servicesOf(api).view;

    const applied = await vscode.commands.executeCommand('stevedore.filter', 'status=running');
    assert.equal(applied, true);
    const running = await docker.listContainers({ filters: { status: ['running'] } });
    assert.deepEqual(new Set(provider.visibleContainers().map((c) => c.id)),
      new Set(running.map((c) => c.Id)));
    assert.match(treeView.description ?? '', /^status=running \(\d+ of \d+\)$/);

    await vscode.commands.executeCommand('stevedore.clearFilter');
    assert.equal(treeView.description, undefined);
    assert.equal(provider.filter, undefined);
  });

  it('refuses a filter that is not a selector and keeps the one it had', async () => {
    const api = await activateStevedore();
    const provider = servicesOf(api).view.provider;

    const applied = await vscode.commands.executeCommand('stevedore.filter', 'status=');
    assert.equal(applied, false);
    assert.equal(provider.filter, undefined);
  });

  it('escapes what a container controls in its tooltip and trusts none of it', async () => {
    const api = await activateStevedore();
    const provider = servicesOf(api).view.provider;
    const labels = { note: '**bold** [run](command:workbench.action.quit) <img src=x>' };
    const [id] = await createTestContainers(docker, { tag: TAG, count: 1, labels });
    await refreshTree(api);

    const node = provider.nodeFor({ host: process.env.DOCKER_HOST!, id: id! })!;
    const item = provider.resolveTreeItem(provider.getTreeItem(node), node);
    const tooltip = item.tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
    assert.ok(tooltip.value.includes('\\*\\*bold\\*\\*'), tooltip.value);
    assert.ok(tooltip.value.includes('\\[run\\]'), tooltip.value);
    assert.ok(!tooltip.value.includes('](command:'), tooltip.value);
  });
});
