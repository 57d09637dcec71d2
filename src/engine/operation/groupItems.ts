import type { OperationItem } from './operationItem';

/** The items of each host, hosts in the order they first appear, items in their order. */
export function groupByHost(items: readonly OperationItem[]): Map<string, OperationItem[]> {
  const hosts = new Map<string, OperationItem[]>();
  for (const item of items) {
    const list = hosts.get(item.host);
    if (list) list.push(item);
    else hosts.set(item.host, [item]);
  }
  return hosts;
}

/** The items of each dependency wave, first wave first. */
export function groupByWave(items: readonly OperationItem[]): OperationItem[][] {
  const waves = new Map<number, OperationItem[]>();
  for (const item of items) {
    const list = waves.get(item.wave);
    if (list) list.push(item);
    else waves.set(item.wave, [item]);
  }
  return [...waves.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
}
