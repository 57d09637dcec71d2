import * as vscode from 'vscode';

import type { ContainerSummary } from '../../engine/model/container';
import { matchesSelector } from '../../engine/planner/selector/matchesSelector';
import type { Selector } from '../../engine/planner/selector/selectorTypes';
import type { GroupBy } from '../settings/stevedoreSettings';
import {
  containerTooltip,
  containerTreeItem,
  groupTreeItem,
  hostTreeItem,
} from './containerTreeItem';
import { type ContainerGroup, groupContainers } from './groupContainers';
import {
  containerNodeId,
  type ContainerNode,
  type GroupNode,
  type HostNode,
  type TreeNode,
} from './treeNodes';

/** A filter on the Containers view: the text the user typed and what it parsed to. */
export interface ContainerFilter {
  readonly text: string;
  readonly selector: Selector;
}

/** One active engine as the view shows it when several are: its name and whether it answers. */
export interface HostView {
  /** The engine's name, as containers carry it in `host`. */
  readonly host: string;
  readonly label: string;
  /** Undefined until its first list answers or fails. */
  readonly answering: boolean | undefined;
  readonly problem?: string;
}

/** How many containers the engine has, and how many the filter lets through. */
export interface TreeCounts {
  readonly total: number;
  readonly visible: number;
}

/**
 * The Containers view's data. Each rebuild groups the whole list once (O(n)), reuses the
 * node objects of containers and groups that are still there, and tells VS Code about the
 * groups that changed only; the whole tree refreshes only when groups come or go. With
 * several engines active, each engine is a node at the top with its own groups below.
 */
export class ContainerTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private containers: readonly ContainerSummary[] = [];
  private groups = new Map<string, GroupNode>();
  private ordered: GroupNode[] = [];
  private hosts: readonly HostView[] = [];
  private hostNodes = new Map<string, HostNode>();
  private orderedHosts: HostNode[] = [];
  private byHost = false;
  private nodes = new Map<string, ContainerNode>();
  private filterValue: ContainerFilter | undefined;
  private counts: TreeCounts = { total: 0, visible: 0 };
  private showing = false;
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  private readonly rebuilt = new vscode.EventEmitter<TreeCounts>();

  readonly onDidChangeTreeData = this.changed.event;
  /** Fires after every rebuild, with the new counts. */
  readonly onDidRebuild = this.rebuilt.event;

  constructor(private groupByValue: GroupBy) {}

  get groupBy(): GroupBy {
    return this.groupByValue;
  }

  get filter(): ContainerFilter | undefined {
    return this.filterValue;
  }

  get treeCounts(): TreeCounts {
    return this.counts;
  }

  /** The groups as shown, in order, under every engine; for tests and for "act on visible". */
  get groupNodes(): readonly GroupNode[] {
    return this.ordered;
  }

  /** The engines at the top of the view, when more than one is active; else empty. */
  get hostNodesShown(): readonly HostNode[] {
    return this.orderedHosts;
  }

  /**
   * Shows `containers`, or an empty tree when `showing` is false (no engine can be reached,
   * so the welcome view explains why instead). With more than one of `hosts`, each is a
   * node at the top, shown even while it has no containers or does not answer.
   */
  update(
    containers: readonly ContainerSummary[],
    showing = true,
    hosts: readonly HostView[] = [],
  ): void {
    this.containers = containers;
    this.showing = showing;
    this.hosts = hosts;
    this.rebuild(false);
  }

  setGroupBy(groupBy: GroupBy): void {
    if (groupBy === this.groupByValue) return;
    this.groupByValue = groupBy;
    // Group ids include the grouping, so every group node is new: start from scratch.
    this.groups = new Map();
    for (const host of this.orderedHosts) host.children = [];
    this.rebuild(true);
  }

  setFilter(filter: ContainerFilter | undefined): void {
    this.filterValue = filter;
    this.rebuild(true);
  }

  /** Every container the filter lets through, in the order the view shows them. */
  visibleContainers(): ContainerSummary[] {
    return this.ordered.flatMap((group) => group.children.map((node) => node.container));
  }

  /** The node of a container id (host/id) when it is shown. */
  nodeFor(container: Pick<ContainerSummary, 'host' | 'id'>): ContainerNode | undefined {
    return this.nodes.get(containerNodeId(container));
  }

  getChildren(element?: TreeNode): TreeNode[] {
    if (element === undefined) return this.byHost ? this.orderedHosts : this.ordered;
    return element.kind === 'container' ? [] : element.children;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'host':
        return hostTreeItem(element);
      case 'group':
        return groupTreeItem(element, this.groupByValue);
      case 'container':
        return containerTreeItem(element);
    }
  }

  // The tooltip is built on hover, so 10,000 items cost 10,000 cheap TreeItems, not documents.
  resolveTreeItem(item: vscode.TreeItem, element: TreeNode): vscode.TreeItem {
    if (element.kind === 'container') item.tooltip = containerTooltip(element.container);
    return item;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.kind === 'host' ? undefined : element.parent;
  }

  dispose(): void {
    this.changed.dispose();
    this.rebuilt.dispose();
  }

  private rebuild(forceRoot: boolean): void {
    const filter = this.filterValue;
    const nowMs = Date.now();
    const keep = filter === undefined
      ? undefined
      : (c: ContainerSummary) => matchesSelector(filter.selector, c, nowMs);
    const byHost = this.showing && this.hosts.length > 1;

    let rootChanged = forceRoot || byHost !== this.byHost;
    const changed: TreeNode[] = [];
    const groups = new Map<string, GroupNode>();
    const nodes = new Map<string, ContainerNode>();
    const hostNodes = new Map<string, HostNode>();
    const orderedHosts: HostNode[] = [];
    const ordered: GroupNode[] = [];

    for (const section of this.sections(byHost)) {
      const host = section.host === undefined ? undefined : this.hostNode(section.host);
      const before = host === undefined
        ? (this.byHost ? [] : this.ordered)
        : host.node.children;
      const fresh = this.showing ? groupContainers(section.containers, this.groupByValue, keep)
        : [];
      const built = this.buildGroups(fresh, before, host?.node, groups, nodes, changed);
      ordered.push(...built.groups);

      if (host === undefined) {
        if (built.structureChanged) rootChanged = true;
        continue;
      }
      const node = host.node;
      const running = section.containers.filter((c) => c.state === 'running').length;
      const described = node.total !== section.containers.length || node.running !== running ||
        node.answering !== section.host!.answering || node.problem !== section.host!.problem ||
        node.label !== section.host!.label;
      node.children = built.groups;
      node.total = section.containers.length;
      node.running = running;
      node.answering = section.host!.answering;
      node.problem = section.host!.problem;
      node.label = section.host!.label;
      if (!host.isNew && (built.structureChanged || described)) changed.push(node);
      if (this.orderedHosts[orderedHosts.length] !== node) rootChanged = true;
      hostNodes.set(node.host, node);
      orderedHosts.push(node);
    }
    if (orderedHosts.length !== (this.byHost ? this.orderedHosts.length : 0)) rootChanged = true;

    this.groups = groups;
    this.nodes = nodes;
    this.ordered = ordered;
    this.hostNodes = hostNodes;
    this.orderedHosts = orderedHosts;
    this.byHost = byHost;
    const visible = ordered.reduce((sum, group) => sum + group.children.length, 0);
    this.counts = { total: this.showing ? this.containers.length : 0, visible };

    if (rootChanged) this.changed.fire(undefined);
    else if (changed.length > 0) this.changed.fire(changed);
    this.rebuilt.fire(this.counts);
  }

  // One section per engine when several are shown, in the order they were chosen; else one.
  private sections(byHost: boolean): { host?: HostView; containers: ContainerSummary[] }[] {
    if (!byHost) return [{ containers: [...this.containers] }];
    const sections = new Map<string, { host: HostView; containers: ContainerSummary[] }>();
    for (const host of this.hosts) sections.set(host.host, { host, containers: [] });
    for (const container of this.containers) {
      let section = sections.get(container.host);
      if (section === undefined) {
        const host = { host: container.host, label: container.host, answering: true };
        section = { host, containers: [] };
        sections.set(container.host, section);
      }
      section.containers.push(container);
    }
    return [...sections.values()];
  }

  private hostNode(view: HostView): { node: HostNode; isNew: boolean } {
    const node = this.hostNodes.get(view.host);
    if (node !== undefined) return { node, isNew: false };
    return {
      node: {
        kind: 'host',
        id: `host/${view.host}`,
        host: view.host,
        label: view.label,
        children: [],
        total: 0,
        running: 0,
        answering: view.answering,
        problem: view.problem,
      },
      isNew: true,
    };
  }

  // Reuses the group and container nodes still there, and collects the groups that changed.
  private buildGroups(
    fresh: readonly ContainerGroup[],
    before: readonly GroupNode[],
    host: HostNode | undefined,
    groups: Map<string, GroupNode>,
    nodes: Map<string, ContainerNode>,
    changed: TreeNode[],
  ): { groups: GroupNode[]; structureChanged: boolean } {
    let structureChanged = fresh.length !== before.length;
    const built: GroupNode[] = [];
    const prefix = host === undefined ? '' : `${host.host}/`;

    for (const [index, group] of fresh.entries()) {
      const mapKey = `${prefix}${group.key}`;
      let node = this.groups.get(mapKey);
      const isNew = node === undefined;
      node ??= {
        kind: 'group',
        id: `group/${this.groupByValue}/${mapKey}`,
        key: group.key,
        label: group.label,
        children: [],
        running: 0,
      };
      if (before[index] !== node) structureChanged = true;
      if (host === undefined) delete node.parent;
      else node.parent = host;

      let dirty = node.children.length !== group.containers.length ||
        node.running !== group.running;
      const children: ContainerNode[] = new Array(group.containers.length);
      for (const [position, container] of group.containers.entries()) {
        const child = this.reuseNode(container, node);
        if (child.changed || node.children[position] !== child.node) dirty = true;
        children[position] = child.node;
        nodes.set(child.node.id, child.node);
      }

      node.children = children;
      node.running = group.running;
      groups.set(mapKey, node);
      built.push(node);
      if (dirty && !isNew) changed.push(node);
    }
    return { groups: built, structureChanged };
  }

  private reuseNode(
    container: ContainerSummary,
    parent: GroupNode,
  ): { node: ContainerNode; changed: boolean } {
    const id = containerNodeId(container);
    const node = this.nodes.get(id);
    if (node === undefined) {
      return { node: { kind: 'container', id, container, parent }, changed: true };
    }
    const before = node.container;
    const changed = node.parent !== parent || before.state !== container.state ||
      before.status !== container.status || before.name !== container.name ||
      before.image !== container.image;
    node.container = container;
    node.parent = parent;
    return { node, changed };
  }
}
