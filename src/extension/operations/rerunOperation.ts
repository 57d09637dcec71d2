import type { OperationHandle } from '../../engine/operation/bulkEngine';
import type { OperationRecord } from '../../engine/model/operation';
import { type RunDeps, runOperation } from './runOperation';

/**
 * Runs a past operation's kind again on the same containers, planned afresh: containers
 * that now need nothing are skipped, and a large or destructive plan is confirmed again.
 */
export function rerunOperation(
  deps: RunDeps,
  record: OperationRecord,
): Promise<OperationHandle | undefined> {
  const ids = record.items.map((item) => item.id);
  const label = `again: ${record.label ?? `${record.kind} of ${ids.length}`}`;
  return runOperation(deps, { kind: record.kind, ids, label });
}
