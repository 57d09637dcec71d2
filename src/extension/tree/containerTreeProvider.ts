import * as vscode from 'vscode';

import type { ContainerSummary } from '../../engine/model/container';
import { matchesSelector } from '../../engine/planner/selector/matchesSelector';
import type { Selector } from '../../engine/planner/selector/selectorTypes';
import type { GroupBy } from '../settings/stevedoreSettings';
import { containerTooltip, containerTreeItem, groupTreeItem } from './containerTreeItem';
import { groupContainers } from './groupContainers';
import {
  containerNodeId,
  type ContainerNode,
  type GroupNode,
  type TreeNode,
} from './treeNodes';

/** A filter on the Containers view: the text the user typed and what it parsed to. */
export interface ContainerFilter {
  readonly text: string;
  readonly selector: Selector;
}

/** How many containers the engine has, and how many the filter lets through. */
export interface TreeCounts {
  readonly total: number;
  readonly visible: number;
}

/**
 * The Containers view's data. Each rebuild groups the whole list once (O(n)), reuses the
 * node objects of containers and groups that are still there, and tells VS Code about the
 * groups that changed only; the whole tree refreshes only when groups come or go.
 */
export class ContainerTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private containers: readonly ContainerSummary[] = [];
  private groups = new Map<string, GroupNode>();
  private ordered: GroupNode[] = [];
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

  /** The groups as shown, in order; for tests and for "act on visible". */
  get groupNodes(): readonly GroupNode[] {
    return this.ordered;
  }

  /**
   * Shows `containers`, or an empty tree when `showing` is false (the engine cannot be
   * reached, so the welcome view explains why instead).
   */
  update(containers: readonly ContainerSummary[], showing = true): void {
    this.containers = containers;
    this.showing = showing;
    this.rebuild(false);
  }

  setGroupBy(groupBy: GroupBy): void {
    if (groupBy === this.groupByValue) return;
    this.groupByValue = groupBy;
    // Group ids include the grouping, so every group node is new: start from scratch.
    this.groups = new Map();
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
    if (element === undefined) return this.ordered;
    return element.kind === 'group' ? element.children : [];
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    return element.kind === 'group'
      ? groupTreeItem(element, this.groupByValue)
      : containerTreeItem(element);
  }

  // The tooltip is built on hover, so 10,000 items cost 10,000 cheap TreeItems, not documents.
  resolveTreeItem(item: vscode.TreeItem, element: TreeNode): vscode.TreeItem {
    if (element.kind === 'container') item.tooltip = containerTooltip(element.container);
    return item;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.kind === 'container' ? element.parent : undefined;
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
    const fresh = this.showing ? groupContainers(this.containers, this.groupByValue, keep) : [];

    let structureChanged = forceRoot || fresh.length !== this.ordered.length;
    const changedGroups: GroupNode[] = [];
    const groups = new Map<string, GroupNode>();
    const nodes = new Map<string, ContainerNode>();
    const ordered: GroupNode[] = [];
    let visible = 0;

    for (const [index, group] of fresh.entries()) {
      let node = this.groups.get(group.key);
      const isNew = node === undefined;
      node ??= {
        kind: 'group',
        id: `group/${this.groupByValue}/${group.key}`,
        key: group.key,
        label: group.label,
        children: [],
        running: 0,
      };
      if (this.ordered[index] !== node) structureChanged = true;

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
      visible += children.length;
      groups.set(group.key, node);
      ordered.push(node);
      if (dirty && !isNew) changedGroups.push(node);
    }

    this.groups = groups;
    this.nodes = nodes;
    this.ordered = ordered;
    this.counts = { total: this.showing ? this.containers.length : 0, visible };

    if (structureChanged) this.changed.fire(undefined);
    else if (changedGroups.length > 0) this.changed.fire(changedGroups);
    this.rebuilt.fire(this.counts);
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
