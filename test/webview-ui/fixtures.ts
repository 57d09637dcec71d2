// Operations, items, history and performance samples shaped as the host sends them.
import {
  MAX_ITEMS_PER_MESSAGE,
  type ActiveOperationView,
  type HistorySummary,
  type HostToPageMessage,
  type ItemsMessage,
  type ItemsPage,
  type PerfSample,
  type SnapshotMessage,
} from '../../src/extension/panel/panelProtocol';
import {
  emptyCounts,
  type ItemCounts,
  type ItemRecord,
  type ItemState,
  type OperationKind,
  type OperationStatus,
  type ProgressSnapshot,
} from '../../src/engine/model/operation';

/** Item counts with every state at zero except those given. */
export function counts(partial: Partial<ItemCounts> = {}): ItemCounts {
  return { ...emptyCounts(), ...partial };
}

/** A progress snapshot of a running operation, with any field overridden. */
export function snapshot(
  operationId: string,
  overrides: Partial<ProgressSnapshot> = {},
): ProgressSnapshot {
  return {
    operationId,
    kind: 'stop',
    status: 'running',
    priority: 0,
    total: 100,
    counts: counts({ succeeded: 40, failed: 2, running: 8, queued: 50 }),
    ratePerSecond: 12.5,
    etaMs: 4_600,
    elapsedMs: 3_400,
    concurrency: 8,
    latencyMs: { p50: 120, p95: 480, p99: 900 },
    ...overrides,
  };
}

/** An active operation as the panel lists it. */
export function active(
  operationId: string,
  overrides: Partial<ProgressSnapshot> = {},
  label?: string,
): ActiveOperationView {
  return {
    snapshot: snapshot(operationId, overrides),
    createdMs: Date.UTC(2025, 0, 1, 12, 0, 0),
    ...(label !== undefined && { label }),
  };
}

/** `n` items named web-00000 and up, their state chosen by index. */
export function items(
  n: number,
  stateOf: (index: number) => ItemState = () => 'queued',
): ItemRecord[] {
  return Array.from({ length: n }, (_, i) => item(i, stateOf(i)));
}

/** One item; failed items carry an error, finished ones a duration. */
export function item(index: number, state: ItemState, name?: string): ItemRecord {
  const id = `c${index.toString(16).padStart(12, '0')}`;
  const finished = state !== 'queued' && state !== 'running';
  return {
    id,
    name: name ?? `web-${String(index).padStart(5, '0')}`,
    host: index % 3 === 0 ? 'unix:///var/run/docker.sock' : 'ssh://build-2',
    before: 'running',
    state,
    attempts: state === 'failed' ? 3 : finished ? 1 : 0,
    ...(finished && { durationMs: 200 + (index % 17) * 37 }),
    ...(state === 'failed' && {
      error: {
        name: 'EngineError',
        code: 'CONFLICT',
        message: `container ${id} is restarting, wait until it is running`,
        retryable: true,
      },
    }),
    ...(state === 'skipped' && { reason: 'already stopped (304)' }),
  };
}

/** A past operation. */
export function past(
  operationId: string,
  status: OperationStatus,
  kind: OperationKind = 'restart',
  label?: string,
): HistorySummary {
  return {
    operationId,
    kind,
    status,
    total: 250,
    counts: counts(status === 'interrupted'
      ? { succeeded: 120, queued: 130 }
      : { succeeded: 240, skipped: 4, failed: 6 }),
    createdMs: Date.UTC(2025, 0, 1, 11, 0, 0),
    startedMs: Date.UTC(2025, 0, 1, 11, 0, 1),
    endedMs: Date.UTC(2025, 0, 1, 11, 2, 14),
    ...(label !== undefined && { label }),
  };
}

/** A performance sample with a minute of throughput rising and falling. */
export function perf(): PerfSample {
  const start = Date.UTC(2025, 0, 1, 12, 0, 0);
  return {
    atMs: start + 60_000,
    throughput: Array.from({ length: 61 }, (_, i) => ({
      atMs: start + i * 1000,
      itemsPerSecond: Math.round(40 + 30 * Math.sin(i / 8) + (i % 5) * 3),
    })),
    latencyMs: { p50: 85, p95: 420, p99: 1_250 },
    loopDelayMs: { p50: 10.2, p99: 21.7 },
    memory: { heapUsedBytes: 96 * 1024 * 1024, rssBytes: 212 * 1024 * 1024 },
    concurrencyLimit: 32,
  };
}

/** All items of an operation as the host sends them: pages of at most a thousand. */
export function pages(operationId: string, all: readonly ItemRecord[]): ItemsPage[] {
  const result: ItemsPage[] = [];
  for (let offset = 0; offset === 0 || offset < all.length; offset += MAX_ITEMS_PER_MESSAGE) {
    const items = all.slice(offset, offset + MAX_ITEMS_PER_MESSAGE);
    result.push({ operationId, offset, total: all.length, items });
  }
  return result;
}

/** A snapshot that selects an operation, then the `items` messages of its other pages. */
export function snapshotWithItems(
  base: Omit<SnapshotMessage, 'type' | 'selected'>,
  operationId: string,
  all: readonly ItemRecord[],
): HostToPageMessage[] {
  const [first, ...rest] = pages(operationId, all);
  return [
    { type: 'snapshot', ...base, selected: first! },
    ...rest.map((page): ItemsMessage => ({ type: 'items', ...page })),
  ];
}

/** An `items` message holding all of a short list. */
export function itemsMessage(operationId: string, all: readonly ItemRecord[]): ItemsMessage {
  return { type: 'items', ...pages(operationId, all)[0]! };
}
