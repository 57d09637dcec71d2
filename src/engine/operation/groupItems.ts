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
