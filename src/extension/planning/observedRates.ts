import type { OperationKind, OperationRecord } from '../../engine/model/operation';
import type { ObservedRates } from '../../engine/planner/plan/planTypes';

// Operations smaller than this say more about latency than throughput.
const MIN_ITEMS = 10;

/**
 * Items per second per host and kind, so a plan can estimate how long a new operation
 * takes: the rates the adaptive limits remembered, else those of the latest finished
 * operation of that kind in the history.
 */
export function observedRates(
  records: readonly OperationRecord[],
  remembered: ObservedRates = {},
): ObservedRates {
  const rates: Record<string, Partial<Record<OperationKind, number>>> = {};
  for (const [host, byKind] of Object.entries(remembered)) rates[host] = { ...byKind };
  // Records come newest first: the first rate found for a host and kind is the latest.
  for (const record of records) {
    if (record.status !== 'completed' && record.status !== 'failed') continue;
    if (record.startedMs === undefined || record.endedMs === undefined) continue;
    const seconds = (record.endedMs - record.startedMs) / 1000;
    const acted = record.items.filter((i) => i.state === 'succeeded' || i.state === 'failed');
    if (acted.length < MIN_ITEMS || seconds <= 0) continue;

    const perHost = new Map<string, number>();
    for (const item of acted) perHost.set(item.host, (perHost.get(item.host) ?? 0) + 1);
    for (const [host, count] of perHost) {
      const byKind = (rates[host] ??= {});
      byKind[record.kind] ??= count / seconds;
    }
  }
  return rates;
}
