import { matchesSelector } from '../selector/matchesSelector';
import type { PlanInput } from './planTypes';
import { MIN_ID_PREFIX, resolveIds } from './resolveIds';

/** Snapshot positions chosen by a selector and ids, before any no-op is dropped. */
export interface Selection {
  /** Distinct positions, in no particular order. */
  readonly indices: number[];
  readonly missing: string[];
  readonly warnings: string[];
}

// Ambiguous entries are listed one by one up to this many; the rest are counted.
const LISTED = 5;

/**
 * Applies the selector and the ids with AND; with neither nothing is selected, so a missing
 * argument never turns into "every container". An ambiguous id selects nothing.
 */
export function selectContainers(
  input: Pick<PlanInput, 'containers' | 'selector' | 'ids' | 'nowMs'>,
): Selection {
  // An id or name that means several containers (a name used on several hosts, a shared
  // prefix) is reported as missing: acting on the wrong one of two is worse than asking.
  const { containers, selector, ids, nowMs } = input;
  if (selector === undefined && ids === undefined) {
    return { indices: [], missing: [], warnings: ['Nothing selected: give a selector or ids'] };
  }

  if (ids === undefined) {
    const indices: number[] = [];
    for (let i = 0; i < containers.length; i++) {
      if (matchesSelector(selector!, containers[i]!, nowMs)) {
        indices.push(i);
      }
    }
    return { indices, missing: [], warnings: [] };
  }

  const indices: number[] = [];
  const missing: string[] = [];
  const ambiguous: string[] = [];
  const chosen = new Uint8Array(containers.length);
  let unmatched = 0;
  for (const { asked, indices: found } of resolveIds(containers, ids)) {
    const candidates =
      selector === undefined
        ? found
        : found.filter((i) => matchesSelector(selector, containers[i]!, nowMs));
    if (found.length === 0) {
      missing.push(asked);
    } else if (candidates.length === 0) {
      unmatched++;
    } else if (candidates.length > 1) {
      missing.push(asked);
      const hosts = [...new Set(candidates.map((i) => containers[i]!.host))].sort();
      ambiguous.push(`"${asked}" (${candidates.length} containers on ${hosts.join(', ')})`);
    } else if (chosen[candidates[0]!] === 0) {
      chosen[candidates[0]!] = 1;
      indices.push(candidates[0]!);
    }
  }

  return { indices, missing, warnings: idWarnings(missing, ambiguous, unmatched) };
}

function idWarnings(
  missing: readonly string[],
  ambiguous: readonly string[],
  unmatched: number,
): string[] {
  const warnings: string[] = [];
  if (ambiguous.length > 0) {
    const more = ambiguous.length > LISTED ? ` and ${ambiguous.length - LISTED} more` : '';
    warnings.push(
      `Ambiguous, so left out: ${ambiguous.slice(0, LISTED).join(', ')}${more}; ` +
        'use full ids or narrow the selector, for example with host=',
    );
  }
  if (unmatched > 0) {
    warnings.push(`${unmatched} of the given containers do not match the selector, left out`);
  }

  const short = missing.filter((m) => m.length < MIN_ID_PREFIX && /^[0-9a-f]+$/.test(m));
  if (short.length > 0) {
    warnings.push(
      `Looked up as names only: ${short.slice(0, LISTED).join(', ')}; ` +
        `id prefixes need at least ${MIN_ID_PREFIX} characters`,
    );
  }
  return warnings;
}
