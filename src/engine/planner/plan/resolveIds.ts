import type { ContainerSummary } from '../../model/container';

/** One id or name the caller gave, and the snapshot positions it can mean. */
export interface ResolvedId {
  readonly asked: string;
  readonly indices: readonly number[];
}

/** Docker's short id length; shorter prefixes are too likely to hit the wrong container. */
export const MIN_ID_PREFIX = 12;

/**
 * Looks each id up as a full id, then a name (Docker's leading `/` ignored), then a prefix of
 * 12 or more characters. A name may mean containers on several hosts; the caller decides.
 */
export function resolveIds(
  containers: readonly ContainerSummary[],
  ids: readonly string[],
): ResolvedId[] {
  // Maps built once per call make n ids in a snapshot of m cost O(n + m), not O(n × m).
  const byId = new Map<string, number>();
  const byName = new Map<string, number[]>();
  containers.forEach((c, index) => {
    byId.set(c.id, index);
    push(byName, c.name, index);
  });

  let byShortId: Map<string, number[]> | undefined;
  const resolved: ResolvedId[] = [];
  for (const asked of new Set(ids)) {
    const exact = byId.get(asked);
    if (exact !== undefined) {
      resolved.push({ asked, indices: [exact] });
      continue;
    }

    const named = byName.get(asked.startsWith('/') ? asked.slice(1) : asked);
    if (named !== undefined || asked.length < MIN_ID_PREFIX) {
      resolved.push({ asked, indices: named ?? [] });
      continue;
    }

    byShortId ??= shortIdIndex(containers);
    const candidates = byShortId.get(asked.slice(0, MIN_ID_PREFIX)) ?? [];
    const indices = candidates.filter((i) => containers[i]!.id.startsWith(asked));
    resolved.push({ asked, indices });
  }
  return resolved;
}

function shortIdIndex(containers: readonly ContainerSummary[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  containers.forEach((c, i) => push(index, c.id.slice(0, MIN_ID_PREFIX), i));
  return index;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [value]);
  } else {
    list.push(value);
  }
}
