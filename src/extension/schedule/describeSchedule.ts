import { describeTiming } from '../../engine/schedule/describeTiming';
import type { Schedule, ScheduleRun, ScheduleView } from '../../engine/schedule/scheduleTypes';

/** What a schedule acts on, as the user gave it: the selector, or how many ids. */
export function describeSelection(schedule: Schedule): string {
  const { select, ids } = schedule.selection;
  const parts = [
    ...(select !== undefined ? [select] : []),
    ...(ids === undefined || ids.length === 0 ? []
      : [ids.length === 1 ? ids[0]!.slice(0, 12) : `${ids.length} containers by id`]),
  ];
  return parts.join(' and ');
}

/** `stop label=app=web, daily at 02:00 local time, within 15 min`. */
export function describeSchedule(schedule: Schedule): string {
  return `${schedule.kind} ${describeSelection(schedule)}, ${describeTiming(schedule)}`;
}

/**
 * The label of the operation a schedule submits, for history and the panel: it says that
 * a schedule ran it and which one.
 */
export function scheduledLabel(schedule: Schedule): string {
  const when = schedule.timing.type === 'daily' ? `daily ${schedule.timing.time}`
    : `once ${formatLocal(schedule.timing.atMs)}`;
  return `scheduled (${when}, ${schedule.id.slice(0, 8)}): ${describeSelection(schedule)}`;
}

/** Where a schedule stands, for a list: next run or status, and its last run. */
export function describeView(view: ScheduleView): string {
  const head = view.status === 'active'
    ? view.nextDueMs === undefined ? 'due now' : `next ${formatLocal(view.nextDueMs)}`
    : view.status === 'cancelled' ? 'removed' : 'finished';
  const last = view.runs[0];
  return last === undefined ? `${head} · never run yet` : `${head} · last ${describeRun(last)}`;
}

function describeRun(run: ScheduleRun): string {
  const times = run.missedCount !== undefined && run.missedCount > 1
    ? ` (${run.missedCount} times)` : '';
  const why = run.message === undefined ? '' : `: ${run.message}`;
  return `${run.outcome}${times} ${formatLocal(run.dueMs)}${why}`;
}

/** `2026-05-01 02:00` in local time, as a schedule is written; seconds only when set. */
export function formatLocal(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const seconds = d.getSeconds() === 0 ? '' : `:${pad(d.getSeconds())}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds}`;
}
