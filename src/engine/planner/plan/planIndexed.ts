import type { ContainerSummary } from '../../model/container';
import type { OperationKind } from '../../model/operation';
import { batchSizeFor } from './batchSizeFor';
import { type DependencyWaves, dependencyWaves } from './dependencyWaves';
import { estimatePlan } from './estimatePlan';
import type { HostCount, IndexedPlan, PlanInput } from './planTypes';
import { selectContainers } from './selectContainers';
import { skipReason } from './skipReason';
import { sortForExecution } from './sortForExecution';

/** How many target names a plan samples when the caller does not say. */
export const DEFAULT_SAMPLE_SIZE = 10;

/**
 * `planOperation` by snapshot position, without building target objects, so the worker
 * can answer with typed arrays. Linear in the snapshot apart from sorting the selection.
 */
export function planIndexed(input: PlanInput): IndexedPlan {
  const { containers, kind } = input;
  const selection = selectContainers(input);
  const warnings = [...selection.warnings];

  const selected = sortForExecution(containers, selection.indices);
  const split = splitNoOps(containers, selected, input);

  const layered = input.options?.dependencyOrder === false
    ? unordered(split.targets.length)
    : dependencyWaves(containers, split.targets, kind);
  warnings.push(...layered.warnings);
  const ordered = orderByWave(split.targets, layered.waves, layered.chains);

  const waveCountsByHost = countByHostAndWave(containers, ordered.indices, ordered.waves);
  const batchSize = batchSizeFor(kind, input.options);
  const estimate = estimatePlan({
    kind,
    options: input.options,
    batchSize,
    observedRates: input.observedRates,
    waveCountsByHost,
  });

  warnings.push(...forceWarnings(containers, ordered.indices, kind, input.options?.force));
  const sampleSize = Math.max(0, input.sampleSize ?? DEFAULT_SAMPLE_SIZE);
  const sample = Array.from(ordered.indices.subarray(0, sampleSize), (i) => containers[i]!.name);

  return {
    kind,
    targetIndices: ordered.indices,
    waves: ordered.waves,
    chains: ordered.chains,
    skippedIndices: Int32Array.from(split.skipped),
    skippedReasons: Uint16Array.from(split.reasonCodes),
    reasons: split.reasons,
    missing: selection.missing,
    byHost: hostCounts(waveCountsByHost),
    batchSize,
    ...(estimate === undefined ? {} : { estimate }),
    sample,
    warnings,
  };
}

function unordered(count: number): DependencyWaves {
  return { waves: new Int32Array(count), chains: new Int32Array(count), warnings: [] };
}

interface NoOpSplit {
  readonly targets: number[];
  readonly skipped: number[];
  readonly reasonCodes: number[];
  readonly reasons: string[];
}

// Reasons repeat across thousands of containers, so each is stored once and referred to.
function splitNoOps(
  containers: readonly ContainerSummary[],
  selected: readonly number[],
  input: PlanInput,
): NoOpSplit {
  const split: NoOpSplit = { targets: [], skipped: [], reasonCodes: [], reasons: [] };
  const codes = new Map<string, number>();

  for (const index of selected) {
    const reason = skipReason(input.kind, containers[index]!.state, input.options);
    if (reason === undefined) {
      split.targets.push(index);
      continue;
    }
    let code = codes.get(reason);
    if (code === undefined) {
      code = split.reasons.push(reason) - 1;
      codes.set(reason, code);
    }
    split.skipped.push(index);
    split.reasonCodes.push(code);
  }
  return split;
}

// A counting sort: stable, so each wave keeps the host, project and name order.
function orderByWave(
  targets: readonly number[],
  waves: Int32Array,
  chains: Int32Array,
): { indices: Int32Array; waves: Int32Array; chains: Int32Array } {
  let waveCount = 0;
  for (const wave of waves) {
    waveCount = Math.max(waveCount, wave + 1);
  }
  const starts = new Int32Array(waveCount + 1);
  for (const wave of waves) {
    starts[wave + 1]!++;
  }
  for (let w = 1; w <= waveCount; w++) {
    starts[w]! += starts[w - 1]!;
  }

  const indices = new Int32Array(targets.length);
  const sortedWaves = new Int32Array(targets.length);
  const sortedChains = new Int32Array(targets.length);
  for (let position = 0; position < targets.length; position++) {
    const wave = waves[position]!;
    const slot = starts[wave]!++;
    indices[slot] = targets[position]!;
    sortedWaves[slot] = wave;
    sortedChains[slot] = chains[position]!;
  }
  return { indices, waves: sortedWaves, chains: sortedChains };
}

function countByHostAndWave(
  containers: readonly ContainerSummary[],
  indices: Int32Array,
  waves: Int32Array,
): Map<string, number[]> {
  const counts = new Map<string, number[]>();
  for (let position = 0; position < indices.length; position++) {
    const host = containers[indices[position]!]!.host;
    let perWave = counts.get(host);
    if (perWave === undefined) {
      perWave = [];
      counts.set(host, perWave);
    }
    const wave = waves[position]!;
    perWave[wave] = (perWave[wave] ?? 0) + 1;
  }

  // Waves a host has no target in are holes; they count as zero.
  for (const perWave of counts.values()) {
    for (let w = 0; w < perWave.length; w++) {
      perWave[w] ??= 0;
    }
  }
  return counts;
}

function hostCounts(waveCountsByHost: ReadonlyMap<string, readonly number[]>): HostCount[] {
  return [...waveCountsByHost]
    .map(([host, perWave]) => ({ host, count: perWave.reduce((sum, n) => sum + n, 0) }))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

// A forced remove kills running containers without any grace period: say how many.
function forceWarnings(
  containers: readonly ContainerSummary[],
  indices: Int32Array,
  kind: OperationKind,
  force: boolean | undefined,
): string[] {
  if (kind !== 'remove' || force !== true) {
    return [];
  }

  let up = 0;
  for (const index of indices) {
    const state = containers[index]!.state;
    if (state === 'running' || state === 'paused' || state === 'restarting') {
      up++;
    }
  }
  return up === 0 ? [] : [`Forced remove kills ${up} running containers without a grace period`];
}
