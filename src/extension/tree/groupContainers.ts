import {
  COMPOSE_PROJECT_LABEL,
  type ContainerState,
  type ContainerSummary,
} from '../../engine/model/container';
import type { GroupBy } from '../settings/stevedoreSettings';

/** One group of the Containers view, before it becomes tree nodes. */
export interface ContainerGroup {
  /** Stable within one grouping: the project, state, image or host itself. */
  readonly key: string;
  readonly label: string;
  /** Sorted by name, then host, then id. */
  readonly containers: ContainerSummary[];
  readonly running: number;
}

// The group of containers no compose project claims; it sorts after every project.
const NO_PROJECT_KEY = '\u0000none';

// States in the order a person scans them: what runs first, what is gone last.
const STATE_ORDER: readonly ContainerState[] = [
  'running', 'restarting', 'paused', 'created', 'exited', 'removing', 'dead',
];

/**
 * Groups containers in one pass, then sorts each group and the groups: O(n log n) for n
 * containers, with no per-container work after this. `keep` filters before grouping.
 */
export function groupContainers(
  containers: readonly ContainerSummary[],
  groupBy: GroupBy,
  keep: (container: ContainerSummary) => boolean = () => true,
): ContainerGroup[] {
  const groups = new Map<string, { containers: ContainerSummary[]; running: number }>();
  for (const container of containers) {
    if (!keep(container)) continue;
    const key = groupKey(container, groupBy);
    let group = groups.get(key);
    if (group === undefined) {
      group = { containers: [], running: 0 };
      groups.set(key, group);
    }
    group.containers.push(container);
    if (container.state === 'running') group.running++;
  }

  const result: ContainerGroup[] = [];
  for (const [key, group] of groups) {
    group.containers.sort(byName);
    result.push({ key, label: groupLabel(key, groupBy), ...group });
  }
  return result.sort(groupOrder(groupBy));
}

function groupKey(container: ContainerSummary, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'project':
      return Object.hasOwn(container.labels, COMPOSE_PROJECT_LABEL)
        ? container.labels[COMPOSE_PROJECT_LABEL]!
        : NO_PROJECT_KEY;
    case 'state':
      return container.state;
    case 'image':
      return container.image;
    case 'host':
      return container.host;
  }
}

function groupLabel(key: string, groupBy: GroupBy): string {
  if (groupBy === 'project' && key === NO_PROJECT_KEY) return '(no compose project)';
  return key === '' ? '(none)' : key;
}

function groupOrder(groupBy: GroupBy): (a: ContainerGroup, b: ContainerGroup) => number {
  if (groupBy === 'state') {
    return (a, b) =>
      STATE_ORDER.indexOf(a.key as ContainerState) - STATE_ORDER.indexOf(b.key as ContainerState);
  }
  // Few groups: a numeric-aware collator puts proj-2 before proj-10 at no real cost.
  return (a, b) =>
    Number(a.key === NO_PROJECT_KEY) - Number(b.key === NO_PROJECT_KEY) ||
    GROUP_COLLATOR.compare(a.key, b.key);
}

const GROUP_COLLATOR = new Intl.Collator('en', { numeric: true });

// Code-unit order, not localeCompare: many times faster on 10,000 names, and the same
// on every machine.
function byName(a: ContainerSummary, b: ContainerSummary): number {
  return compare(a.name, b.name) || compare(a.host, b.host) || compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
