import type { ContainerState } from '../model/container';
import type { ErrorInfo, ItemRecord, ItemState } from '../model/operation';

/** An item as an operation tracks it while it runs; `toRecord` gives the frozen view. */
export interface OperationItem {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly before: ContainerState;
  /** Dependency wave within its chain; a chain's wave k+1 waits for its wave k. */
  readonly wave: number;
  /** Items whose waves order one another: one compose project on one host. */
  readonly chain: number;
  state: ItemState;
  attempts: number;
  durationMs?: number;
  error?: ErrorInfo;
  reason?: string;
  /**
   * Set when an attempt's answer was lost (deadline, dropped connection): the engine may
   * have acted, so the next attempt first looks at the container.
   */
  uncertain: boolean;
}

/** The item as plain data, safe to hand out and store. */
export function toItemRecord(item: OperationItem): ItemRecord {
  return {
    id: item.id,
    name: item.name,
    host: item.host,
    before: item.before,
    state: item.state,
    attempts: item.attempts,
    durationMs: item.durationMs,
    error: item.error,
    reason: item.reason,
  };
}
