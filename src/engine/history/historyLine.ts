import type { ItemRecord, OperationRecord, OperationStatus } from '../model/operation';
import { ITEM_STATES, OPERATION_KINDS } from '../model/operation';

/** One line of the history file. `v` is the format version. */
export type HistoryLine =
  | { readonly v: 1; readonly t: 'op'; readonly op: OperationRecord }
  | { readonly v: 1; readonly t: 'items'; readonly id: string; readonly items: ItemRecord[] }
  | {
      readonly v: 1;
      readonly t: 'status';
      readonly id: string;
      readonly status: OperationStatus;
      readonly startedMs?: number;
      readonly endedMs?: number;
      readonly priority?: number;
    };

const STATUSES = new Set<string>([
  'queued',
  'running',
  'guarded',
  'rollingBack',
  'completed',
  'failed',
  'cancelled',
  'rolledBack',
  'interrupted',
]);
const KINDS = new Set<string>(OPERATION_KINDS);
const ITEM_STATE_SET = new Set<string>(ITEM_STATES);

/** Parses and checks one line; undefined when it is not a line this version wrote. */
export function parseHistoryLine(text: string): HistoryLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || value.v !== 1) return undefined;

  switch (value.t) {
    case 'op':
      return isOperation(value.op) ? (value as HistoryLine) : undefined;
    case 'items':
      return typeof value.id === 'string' && Array.isArray(value.items) &&
        value.items.every(isItem)
        ? (value as HistoryLine)
        : undefined;
    case 'status':
      return typeof value.id === 'string' && STATUSES.has(value.status as string)
        ? (value as HistoryLine)
        : undefined;
    default:
      return undefined;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isOperation(x: unknown): x is OperationRecord {
  return (
    isObject(x) &&
    typeof x.id === 'string' &&
    KINDS.has(x.kind as string) &&
    STATUSES.has(x.status as string) &&
    typeof x.createdMs === 'number' &&
    typeof x.priority === 'number' &&
    isObject(x.options) &&
    Array.isArray(x.items) &&
    x.items.every(isItem)
  );
}

function isItem(x: unknown): x is ItemRecord {
  return (
    isObject(x) &&
    typeof x.id === 'string' &&
    typeof x.name === 'string' &&
    typeof x.host === 'string' &&
    typeof x.before === 'string' &&
    ITEM_STATE_SET.has(x.state as string) &&
    typeof x.attempts === 'number'
  );
}
