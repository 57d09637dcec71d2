import type {
  ErrorInfo,
  ItemRecord,
  ItemState,
  OperationKind,
  OperationRecord,
} from '../engine/model/operation';
import type { UnreachableEngine } from './listEngines';

/** Items by outcome, for the whole operation or one engine. */
export interface CliCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly skipped: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly rolledBack: number;
}

/** One engine's share of the result. */
export interface CliHostResult extends CliCounts {
  readonly host: string;
}

/** The one JSON object `--json` prints when an operation ends. */
export interface CliResult extends CliCounts {
  readonly id: string;
  readonly kind: OperationKind;
  readonly status: string;
  readonly durationMs: number;
  /** One entry per engine the operation had items on, in the order they first appear. */
  readonly hosts: readonly CliHostResult[];
  /** Engines skipped by `--skip-unreachable` because they could not be listed. */
  readonly unreachable?: readonly UnreachableEngine[];
  readonly items: readonly {
    readonly id: string;
    readonly name: string;
    readonly host: string;
    readonly outcome: ItemState;
    readonly reason?: string;
    readonly error?: ErrorInfo;
  }[];
}

/** Reduces an operation record to the CLI's JSON contract. */
export function toCliResult(
  record: OperationRecord,
  unreachable: readonly UnreachableEngine[] = [],
): CliResult {
  const byHost = new Map<string, ItemRecord[]>();
  for (const item of record.items) {
    const list = byHost.get(item.host);
    if (list === undefined) byHost.set(item.host, [item]);
    else list.push(item);
  }

  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    ...countItems(record.items),
    durationMs: (record.endedMs ?? record.startedMs ?? record.createdMs) -
      (record.startedMs ?? record.createdMs),
    hosts: [...byHost].map(([host, items]) => ({ host, ...countItems(items) })),
    ...(unreachable.length > 0 ? { unreachable } : {}),
    items: record.items.map((item) => ({
      id: item.id,
      name: item.name,
      host: item.host,
      outcome: item.state,
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.error ? { error: item.error } : {}),
    })),
  };
}

function countItems(items: readonly ItemRecord[]): CliCounts {
  const count = (state: ItemState): number => items.filter((i) => i.state === state).length;
  return {
    total: items.length,
    succeeded: count('succeeded'),
    skipped: count('skipped'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    rolledBack: count('rolledBack'),
  };
}
