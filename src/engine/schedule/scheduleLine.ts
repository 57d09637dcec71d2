import { OPERATION_KINDS, type OperationKind } from '../model/operation';
import { parseDailyTime } from './dailyTime';
import type { Schedule, ScheduleTiming } from './scheduleTypes';

/**
 * One line of `schedules.jsonl`. The file is only ever appended to, by every process that
 * runs schedules, so each fact is its own line: a schedule added or cancelled, a due time
 * claimed by one runner (to run it, or to record it missed), and how a run ended.
 */
export type ScheduleLine =
  | { readonly v: 1; readonly t: 'add'; readonly schedule: Schedule }
  | { readonly v: 1; readonly t: 'cancel'; readonly id: string; readonly atMs: number }
  | {
      readonly v: 1;
      readonly t: 'claim';
      readonly id: string;
      readonly dueMs: number;
      readonly owner: string;
      readonly action: 'run' | 'miss';
      readonly missedCount?: number;
      readonly atMs: number;
    }
  | {
      readonly v: 1;
      readonly t: 'result';
      readonly id: string;
      readonly dueMs: number;
      readonly outcome: 'ran' | 'failed';
      readonly message?: string;
      readonly atMs: number;
    };

/** The line's content when it is a well-formed line of a known version, else undefined. */
export function parseScheduleLine(text: string): ScheduleLine | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || data.v !== 1) return undefined;

  switch (data.t) {
    case 'add':
      return isSchedule(data.schedule) ? (data as ScheduleLine) : undefined;
    case 'cancel':
      return isString(data.id) && isTime(data.atMs) ? (data as ScheduleLine) : undefined;
    case 'claim':
      return isString(data.id) && isTime(data.dueMs) && isString(data.owner) &&
        (data.action === 'run' || data.action === 'miss') && isTime(data.atMs)
        ? (data as ScheduleLine)
        : undefined;
    case 'result':
      return isString(data.id) && isTime(data.dueMs) && isTime(data.atMs) &&
        (data.outcome === 'ran' || data.outcome === 'failed')
        ? (data as ScheduleLine)
        : undefined;
    default:
      return undefined;
  }
}

function isSchedule(value: unknown): value is Schedule {
  if (!isObject(value) || !isString(value.id) || !isTime(value.createdMs)) return false;
  if (!OPERATION_KINDS.includes(value.kind as OperationKind)) return false;
  if (typeof value.windowMinutes !== 'number' || !(value.windowMinutes > 0)) return false;

  const selection = value.selection;
  if (!isObject(selection)) return false;
  const ids = selection.ids;
  if (ids !== undefined && !(Array.isArray(ids) && ids.every(isString))) return false;
  if (selection.select !== undefined && !isString(selection.select)) return false;
  return isTiming(value.timing);
}

function isTiming(value: unknown): value is ScheduleTiming {
  if (!isObject(value)) return false;
  if (value.type === 'once') return isTime(value.atMs);
  return value.type === 'daily' && isString(value.time) && parseDailyTime(value.time) !== undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
