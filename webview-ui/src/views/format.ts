import type { ItemState, OperationKind, OperationStatus } from
  '../../../src/extension/panel/panelProtocol';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** A rate such as "12.5/s". */
export function formatRate(perSecond: number): string {
  return `${oneDecimal.format(perSecond)}/s`;
}

/** A duration such as "850 ms", "12.3 s", "4 m 05 s" or "1 h 02 m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${oneDecimal.format(ms / 1000)} s`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} m ${pad(seconds % 60)} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${pad(Math.floor(seconds / 60) % 60)} m`;
}

/** A byte size in MiB, such as "312.5 MiB". */
export function formatBytes(bytes: number): string {
  return `${oneDecimal.format(bytes / (1024 * 1024))} MiB`;
}

/** A point in time in the user's locale. */
export function formatTime(ms: number): string {
  return dateTime.format(ms);
}

const KIND_LABELS: Record<OperationKind, string> = {
  start: 'Start', stop: 'Stop', restart: 'Restart', kill: 'Kill', pause: 'Pause',
  unpause: 'Unpause', remove: 'Remove',
};

const STATUS_LABELS: Record<OperationStatus, string> = {
  queued: 'Queued', running: 'Running', guarded: 'Paused by failure guard',
  rollingBack: 'Rolling back', completed: 'Completed', failed: 'Failed',
  cancelled: 'Cancelled', rolledBack: 'Rolled back', interrupted: 'Interrupted',
};

const STATE_LABELS: Record<ItemState, string> = {
  queued: 'Queued', running: 'Running', succeeded: 'Succeeded', skipped: 'Skipped',
  failed: 'Failed', cancelled: 'Cancelled', rolledBack: 'Rolled back',
};

/** The user-facing name of an operation kind. */
export function kindLabel(kind: OperationKind): string {
  return KIND_LABELS[kind];
}

/** The user-facing name of an operation status. */
export function statusLabel(status: OperationStatus): string {
  return STATUS_LABELS[status];
}

/** The user-facing name of an item state. */
export function stateLabel(state: ItemState): string {
  return STATE_LABELS[state];
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
