import type {
  ErrorInfo,
  ItemState,
  OperationKind,
  OperationRecord,
} from '../engine/model/operation';

/** The one JSON object `--json` prints when an operation ends. */
export interface CliResult {
  readonly id: string;
  readonly kind: OperationKind;
  readonly status: string;
  readonly total: number;
  readonly succeeded: number;
  readonly skipped: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly rolledBack: number;
  readonly durationMs: number;
  readonly items: readonly {
    readonly id: string;
    readonly name: string;
    readonly outcome: ItemState;
    readonly reason?: string;
    readonly error?: ErrorInfo;
  }[];
}

/** Reduces an operation record to the CLI's JSON contract. */
export function toCliResult(record: OperationRecord): CliResult {
  const count = (state: ItemState): number => record.items.filter((i) => i.state === state).length;
  return {
    id: record.id,
    kind: record.kind,
    status: record.status,
    total: record.items.length,
    succeeded: count('succeeded'),
    skipped: count('skipped'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    rolledBack: count('rolledBack'),
    durationMs: (record.endedMs ?? record.startedMs ?? record.createdMs) -
      (record.startedMs ?? record.createdMs),
    items: record.items.map((item) => ({
      id: item.id,
      name: item.name,
      outcome: item.state,
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.error ? { error: item.error } : {}),
    })),
  };
}
