import * as assert from 'node:assert/strict';

import type { ContainerSummary } from '../../../src/engine/model/container';
import { ContainerTreeProvider } from '../../../src/extension/tree/containerTreeProvider';
import type { GroupNode, TreeNode } from '../../../src/extension/tree/treeNodes';
import { parseSelector } from '../../../src/engine/planner/selector/parseSelector';
import { fleet } from '../support/containerFactory';

type Fired = TreeNode | TreeNode[] | undefined;

function watch(provider: ContainerTreeProvider): Fired[] {
  const fired: Fired[] = [];
  provider.onDidChangeTreeData((e) => fired.push(e));
  return fired;
}

function withState(list: ContainerSummary[], index: number, state: ContainerSummary['state']) {
  const copy = list.map((c) => ({ ...c }));
  copy[index] = { ...copy[index]!, state, status: state };
  return copy;
}

describe('the Containers tree data', () => {
  it('groups 10,000 containers in one rebuild and refreshes the whole tree once', () => {
    const provider = new ContainerTreeProvider('project');
    const fired = watch(provider);

    provider.update(fleet(10_000));

    assert.deepEqual(fired, [undefined]);
    const groups = provider.getChildren() as GroupNode[];
    assert.equal(groups.length, 50);
    assert.equal(groups.reduce((n, g) => n + provider.getChildren(g).length, 0), 10_000);
  });

  it('fires nothing when a fresh list says the same', () => {
    const provider = new ContainerTreeProvider('project');
    provider.update(fleet(1000));
    const fired = watch(provider);

    provider.update(fleet(1000));

    assert.deepEqual(fired, []);
  });

  it('refreshes only the group of a container whose state changed, keeping its node', () => {
    const provider = new ContainerTreeProvider('project');
    const list = fleet(1000);
    provider.update(list);
    const node = provider.nodeFor(list[7]!)!;
    const fired = watch(provider);

    provider.update(withState(list, 7, 'running'));

    assert.deepEqual(fired, [[node.parent]]);
    assert.equal(provider.nodeFor(list[7]!), node);
    assert.equal(node.container.state, 'running');
    assert.equal(provider.getTreeItem(node).contextValue, 'container.running');
  });

  it('refreshes both groups when a container moves between states', () => {
    const provider = new ContainerTreeProvider('state');
    const list = withState(fleet(100), 0, 'running');
    provider.update(list);
    const [running, exited] = provider.getChildren() as GroupNode[];
    const fired = watch(provider);

    provider.update(withState(withState(list, 0, 'running'), 1, 'running'));

    assert.deepEqual(fired.length, 1);
    assert.deepEqual(new Set(fired[0] as GroupNode[]), new Set([running, exited]));
    assert.equal(running!.children.length, 2);
  });

  it('refreshes the whole tree when a group appears or goes', () => {
    const provider = new ContainerTreeProvider('state');
    const list = fleet(100);
    provider.update(list);
    const fired = watch(provider);

    provider.update(withState(list, 3, 'paused'));

    assert.deepEqual(fired, [undefined]);
    assert.deepEqual((provider.getChildren() as GroupNode[]).map((g) => g.key),
      ['paused', 'exited']);
  });

  it('keys items by host and id, never by state', () => {
    const provider = new ContainerTreeProvider('project');
    const list = fleet(10);
    provider.update(list);
    const before = provider.getTreeItem(provider.nodeFor(list[2]!)!).id;

    provider.update(withState(list, 2, 'running'));

    assert.equal(provider.getTreeItem(provider.nodeFor(list[2]!)!).id, before);
    assert.equal(before, `${list[2]!.host}/${list[2]!.id}`);
  });

  it('applies a filter to groups, counts and the visible list', () => {
    const provider = new ContainerTreeProvider('project');
    const list = withState(fleet(200), 5, 'running');
    provider.update(list);

    provider.setFilter({ text: 'status=running', selector: parseSelector('status=running') });

    assert.deepEqual(provider.visibleContainers().map((c) => c.id), [list[5]!.id]);
    assert.deepEqual(provider.treeCounts, { total: 200, visible: 1 });
    assert.equal((provider.getChildren() as GroupNode[]).length, 1);
  });

  it('shows nothing while the engine cannot be reached', () => {
    const provider = new ContainerTreeProvider('project');
    provider.update(fleet(10));

    provider.update(fleet(10), false);

    assert.deepEqual(provider.getChildren(), []);
  });
});
