import { COMPOSE_PROJECT_LABEL, type ContainerSummary } from '../../model/container';

interface SortEntry {
  readonly index: number;
  readonly host: string;
  readonly project: string;
  readonly name: string;
  readonly id: string;
}

/**
 * Orders positions by host, compose project (none first), name and id, so a plan does not
 * depend on the order the engines listed containers in.
 */
export function sortForExecution(
  containers: readonly ContainerSummary[],
  indices: readonly number[],
): number[] {
  // Keys are read once into flat records and compared by code unit: `localeCompare` would
  // be many times slower on 100,000 items and could differ between machines.
  const entries: SortEntry[] = indices.map((index) => {
    const { host, labels, name, id } = containers[index]!;
    // Compose's label key is not an Object.prototype member, so a plain read is safe.
    const project = labels[COMPOSE_PROJECT_LABEL] ?? '';
    return { index, host, project, name, id };
  });

  entries.sort(
    (a, b) =>
      compare(a.host, b.host) ||
      compare(a.project, b.project) ||
      compare(a.name, b.name) ||
      compare(a.id, b.id),
  );
  return entries.map((e) => e.index);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
