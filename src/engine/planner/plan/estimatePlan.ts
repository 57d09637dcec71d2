import type { OperationKind, OperationOptions } from '../../model/operation';
import type { ObservedRates, PlanEstimate } from './planTypes';

/** What the estimate needs: target counts per host, split by dependency wave. */
export interface EstimateInput {
  readonly kind: OperationKind;
  readonly options?: OperationOptions;
  readonly batchSize: number;
  readonly observedRates?: ObservedRates;
  /** For each host, the number of its targets in wave 0, 1, ... */
  readonly waveCountsByHost: ReadonlyMap<string, readonly number[]>;
}

/** Docker waits this long after SIGTERM when neither the caller nor the container says. */
export const DOCKER_DEFAULT_GRACE_SECONDS = 10;

// Kinds whose every item may wait out a grace period before the engine kills it.
const GRACEFUL: ReadonlySet<OperationKind> = new Set(['stop', 'restart']);

/**
 * Estimates the duration from each host's observed rate; hosts run in parallel, so the
 * slowest sets it. Undefined when a host with targets has no rate: a partial guess misleads.
 */
export function estimatePlan(input: EstimateInput): PlanEstimate | undefined {
  const { kind, waveCountsByHost } = input;
  if (waveCountsByHost.size === 0) {
    return { durationMs: 0, basis: 'nothing to do' };
  }

  let durationMs = 0;
  const parts: string[] = [];
  for (const [host, counts] of waveCountsByHost) {
    const rate = input.observedRates?.[host]?.[kind];
    if (rate === undefined || !Number.isFinite(rate) || rate <= 0) {
      return undefined;
    }
    const count = counts.reduce((sum, n) => sum + n, 0);
    const hostMs = Math.round((count / rate) * 1000);
    durationMs = Math.max(durationMs, hostMs);
    parts.push(`${host} ${round(rate)}/s for ${count} (${formatSpan(hostMs)})`);
  }

  const parallel = waveCountsByHost.size > 1 ? '; hosts run in parallel, the slowest sets it' : '';
  const basis = `observed ${kind} rate: ${parts.join(', ')}${parallel}`;
  if (!GRACEFUL.has(kind)) {
    return { durationMs, basis };
  }
  return graceBound(input, durationMs, basis);
}

// Which containers ignore SIGTERM cannot be known, so the bound assumes all do: each batch
// then waits the whole grace period, and a wave cannot begin before the last one ends.
function graceBound(input: EstimateInput, durationMs: number, basis: string): PlanEstimate {
  const given = input.options?.graceSeconds;
  const grace = given ?? DOCKER_DEFAULT_GRACE_SECONDS;
  let worstBatches = 0;
  let worstHost = '';

  for (const [host, counts] of input.waveCountsByHost) {
    const batches = counts.reduce((sum, n) => sum + Math.ceil(n / input.batchSize), 0);
    if (batches > worstBatches) {
      worstBatches = batches;
      worstHost = host;
    }
  }

  const upperBoundMs = Math.max(durationMs, grace * 1000 * worstBatches);
  const graceText = given === undefined ? `${grace}s grace (Docker's default)` : `${grace}s grace`;
  const bound =
    `. Containers that ignore SIGTERM wait out the ${graceText} in each batch of ` +
    `${input.batchSize}: at most ${grace}s × ${worstBatches} batches = ` +
    `${formatSpan(upperBoundMs)} on ${worstHost}`;
  return { durationMs, basis: basis + bound, upperBoundMs };
}

function round(rate: number): number {
  return Math.round(rate * 10) / 10;
}

// Spans for people: `850ms`, `7.5s`, `4m 05s`, `1h 02m`.
function formatSpan(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  if (ms < 60_000) {
    return `${round(ms / 1000)}s`;
  }

  const seconds = Math.round(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  }
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor((seconds % 3600) / 60))}m`;
}
