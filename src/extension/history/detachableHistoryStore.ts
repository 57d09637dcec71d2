import { HistoryStore } from '../../engine/history/historyStore';
import type { ItemRecord, OperationRecord, OperationStatus } from '../../engine/model/operation';

/**
 * A history store that can stop recording. When the window closes mid-operation, the
 * extension flushes the history and detaches it before disposing the engine, so the file
 * keeps the operation as running (and the next window shows it as interrupted, ready to
 * resume) instead of recording the cancellation that disposing causes.
 */
export class DetachableHistoryStore extends HistoryStore {
  private detached = false;

  /** Ignores every later change; what was recorded before stays as it was. */
  detach(): void {
    this.detached = true;
  }

  override recordOperation(record: OperationRecord): void {
    if (!this.detached) super.recordOperation(record);
  }

  override recordItem(operationId: string, item: ItemRecord): void {
    if (!this.detached) super.recordItem(operationId, item);
  }

  override recordStatus(
    id: string,
    status: OperationStatus,
    times?: { startedMs?: number; endedMs?: number; priority?: number },
  ): void {
    if (!this.detached) super.recordStatus(id, status, times);
  }
}
