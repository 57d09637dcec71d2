import * as assert from 'node:assert/strict';

import type { ContainerSummary } from '../../../src/engine/model/container';
import { ContainerTreeProvider } from '../../../src/extension/tree/containerTreeProvider';
import type { GroupNode, HostNode, TreeNode } from '../../../src/extension/tree/treeNodes';
import { targetsFromSelection } from '../../../src/extension/tree/targetsFromSelection';
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

  describe('with several engines', () => {
    const A = 'unix:///a.sock';
    const B = 'tcp://b:2375';
    const twoHosts = (): ContainerSummary[] =>
      fleet(100).map((c, i) => ({
        ...c,
        host: i < 60 ? A : B,
        state: i % 4 === 0 ? 'running' : c.state,
      }));
    const views = (bAnswers: boolean | undefined = true) => [
      { host: A, label: 'alpha', answering: true },
      { host: B, label: 'beta', answering: bAnswers, ...(bAnswers === false
        ? { problem: 'The Docker engine "beta" cannot be reached' } : {}) },
    ];

    it('puts one node per engine at the top, with that engine\'s groups and counts', () => {
      const provider = new ContainerTreeProvider('project');

      provider.update(twoHosts(), true, views());

      const hosts = provider.getChildren() as HostNode[];
      assert.deepEqual(hosts.map((h) => [h.label, h.total, h.running]),
        [['alpha', 60, 15], ['beta', 40, 10]]);
      for (const host of hosts) {
        const containers = (provider.getChildren(host) as GroupNode[])
          .flatMap((g) => g.children.map((n) => n.container));
        assert.ok(containers.every((c) => c.host === host.host));
        assert.equal(provider.getParent(host.children[0]!), host);
      }
      assert.equal(provider.getTreeItem(hosts[1]!).description, '40 · 10 running');
      assert.equal(provider.visibleContainers().length, 100);
    });

    it('keeps a group per engine apart, each with an id of its own', () => {
      const provider = new ContainerTreeProvider('project');

      provider.update(twoHosts(), true, views());

      const ids = provider.groupNodes.map((g) => g.id);
      assert.equal(new Set(ids).size, ids.length);
      // proj-10 holds containers 10 (on A) and 60 (on B): one group under each engine.
      const shared = provider.groupNodes.filter((g) => g.key === 'proj-10');
      assert.deepEqual(shared.map((g) => g.parent?.host), [A, B]);
    });

    it('shows an engine that does not answer with its problem and no containers', () => {
      const provider = new ContainerTreeProvider('project');
      const answering = twoHosts().filter((c) => c.host === A);

      provider.update(answering, true, views(false));

      const [alpha, beta] = provider.getChildren() as HostNode[];
      assert.equal(alpha!.total, 60);
      assert.deepEqual(beta!.children, []);
      const item = provider.getTreeItem(beta!);
      assert.equal(item.description, 'not answering');
      assert.match(String(item.tooltip), /"beta" cannot be reached/);
      assert.equal(item.contextValue, 'host.unreachable');
    });

    it('refreshes only the engine node whose answer changed', () => {
      const provider = new ContainerTreeProvider('project');
      const list = twoHosts();
      provider.update(list, true, views());
      const [, beta] = provider.getChildren() as HostNode[];
      const fired = watch(provider);

      provider.update(list.filter((c) => c.host === A), true, views(false));

      assert.deepEqual(fired, [[beta]]);
    });

    it('goes back to plain groups when one engine is left', () => {
      const provider = new ContainerTreeProvider('project');
      provider.update(twoHosts(), true, views());

      provider.update(fleet(10), true, [{ host: A, label: 'alpha', answering: true }]);

      assert.ok(provider.getChildren().every((node) => node.kind === 'group'));
    });

    it('acts on every shown container of an engine node', () => {
      const provider = new ContainerTreeProvider('project');
      provider.update(twoHosts(), true, views());
      const [, beta] = provider.getChildren() as HostNode[];

      const { targets, skipped } = targetsFromSelection('start', beta, [beta]);

      assert.equal(targets.length + [...skipped.values()].reduce((a, b) => a + b, 0), 40);
      assert.ok(targets.every((c) => c.host === B && c.state !== 'running'));
    });
  });
});
