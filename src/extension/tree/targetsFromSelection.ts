import type { ContainerSummary } from '../../engine/model/container';
import type { OperationKind } from '../../engine/model/operation';
import { skipReason } from '../../engine/planner/plan/skipReason';
import { containerNodeId, isTreeNode, type TreeNode } from './treeNodes';

/** The containers a tree command acts on, and what it left out, counted by reason. */
export interface SelectionTargets {
  readonly targets: ContainerSummary[];
  /** Reason, such as "already stopped", to how many containers it applies. */
  readonly skipped: ReadonlyMap<string, number>;
}

/**
 * Turns what VS Code passes a tree command (the clicked node, and the selected nodes when
 * several are) into the containers to act on. The clicked node alone counts when it is
 * not part of the selection, as in VS Code's own explorer; a group or an engine stands for
 * all its shown containers; duplicates are dropped; containers the action cannot apply to (per
 * the planner's skip rules) are left out and counted, so the caller can say so once.
 */
export function targetsFromSelection(
  kind: OperationKind,
  clicked: unknown,
  selected: unknown,
  fallback: readonly TreeNode[] = [],
): SelectionTargets {
  const chosen = Array.isArray(selected) ? selected.filter(isTreeNode) : [];
  let nodes: readonly TreeNode[];
  if (isTreeNode(clicked)) {
    nodes = chosen.includes(clicked) ? chosen : [clicked];
  } else {
    nodes = chosen.length > 0 ? chosen : fallback;
  }

  const seen = new Set<string>();
  const targets: ContainerSummary[] = [];
  const skipped = new Map<string, number>();
  const consider = (container: ContainerSummary): void => {
    const id = containerNodeId(container);
    if (seen.has(id)) return;
    seen.add(id);
    // Running containers stay in a removal: its confirmation offers to force it.
    const reason = skipReason(kind, container.state, { force: kind === 'remove' });
    if (reason === undefined) targets.push(container);
    else skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  };

  for (const node of nodes) {
    if (node.kind === 'container') consider(node.container);
    else if (node.kind === 'group') for (const child of node.children) consider(child.container);
    else for (const group of node.children) for (const c of group.children) consider(c.container);
  }
  return { targets, skipped };
}

/** "2 already stopped, 1 paused: unpause it instead", for a one-line message. */
export function describeSkipped(skipped: ReadonlyMap<string, number>): string {
  return [...skipped].map(([reason, count]) => `${count} ${reason}`).join(', ');
}
