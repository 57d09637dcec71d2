// The messages between the extension host and the Operations panel's page, both ways, and
// their validators. Type-only imports keep this file safe to bundle into the page.
import type { ContainerState } from '../../engine/model/container';
import type {
  ErrorInfo,
  ItemCounts,
  ItemRecord,
  ItemState,
  OperationKind,
  OperationStatus,
  ProgressSnapshot,
} from '../../engine/model/operation';

/** Longest operation, item or request id a message may carry. */
export const MAX_ID_CHARS = 128;
/** Longest container name, host name or label a message may carry. */
export const MAX_NAME_CHARS = 512;
/** Longest free text (error messages, reasons) a message may carry. */
export const MAX_TEXT_CHARS = 4096;
/** Most items one operation may have. */
export const MAX_ITEMS = 100_000;
/**
 * Most items one message may carry; longer lists travel in pages. Chromium takes about
 * 16 ms here to unpack a thousand items, so a page never makes the webview stall.
 */
export const MAX_ITEMS_PER_MESSAGE = 1000;
/** Most active operations, or history entries, one message may list. */
export const MAX_OPERATIONS = 1000;
/** Most engines one operation's progress may list, one line each. */
export const MAX_HOSTS = 64;
/** Most points in the throughput series. */
export const MAX_SERIES_POINTS = 3600;
/** Priorities the page may ask for lie within plus or minus this. */
export const PRIORITY_LIMIT = 1000;

/** An operation that is queued, running or paused, as the panel lists it. */
export interface ActiveOperationView {
  readonly snapshot: ProgressSnapshot;
  readonly label?: string;
  readonly createdMs: number;
}

/** A finished or interrupted operation, as the history lists it. */
export interface HistorySummary {
  readonly operationId: string;
  readonly kind: OperationKind;
  readonly label?: string;
  readonly status: OperationStatus;
  readonly total: number;
  readonly counts: ItemCounts;
  readonly createdMs: number;
  readonly startedMs?: number;
  readonly endedMs?: number;
}

/** Items finished per second around one moment, for the throughput chart. */
export interface ThroughputPoint {
  readonly atMs: number;
  readonly itemsPerSecond: number;
}

/** What the performance monitor shows; the host samples it about once a second. */
export interface PerfSample {
  readonly atMs: number;
  /** Oldest first. */
  readonly throughput: readonly ThroughputPoint[];
  /** Latency of Docker requests across all operations. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Event-loop delay of the extension host. */
  readonly loopDelayMs: { readonly p50: number; readonly p99: number };
  readonly memory: { readonly heapUsedBytes: number; readonly rssBytes: number };
  /** Requests the engine lets all operations have in flight now. */
  readonly concurrencyLimit: number;
}

/** Some items of one operation, such as those that changed. */
export interface OperationItems {
  readonly operationId: string;
  readonly items: readonly ItemRecord[];
}

/** One page of all the items of an operation: `items` start at `offset` of `total`. */
export interface ItemsPage extends OperationItems {
  readonly offset: number;
  readonly total: number;
}

/** A failed request's error as it travels to the page: plain data. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly code: string;
}

/**
 * Everything the page shows; it rebuilds itself from this alone, plus, for an operation of
 * more than one page of items, the `items` pages that follow it at once.
 */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly active: readonly ActiveOperationView[];
  readonly history: readonly HistorySummary[];
  /** The first page of the selected operation's items. */
  readonly selected?: ItemsPage;
  readonly perf?: PerfSample;
}

/**
 * What changed since the last message, sent at most every 100 ms; more than a page of item
 * changes goes out as several of these at once.
 */
export interface ProgressMessage {
  readonly type: 'progress';
  /** Active operations that are new or whose progress moved. */
  readonly changed: readonly ActiveOperationView[];
  /** Operations that are no longer active (they moved to the history). */
  readonly removed: readonly string[];
  /** Changed items of the selected operation. */
  readonly items?: OperationItems;
}

/** The history, whole, after it changed. */
export interface HistoryMessage {
  readonly type: 'history';
  readonly history: readonly HistorySummary[];
}

/** A page of the items of the operation the page selected. */
export interface ItemsMessage extends ItemsPage {
  readonly type: 'items';
}

/** A new performance sample. */
export interface PerfMessage {
  readonly type: 'perf';
  readonly perf: PerfSample;
}

/** The reply to a page request, echoing its id. */
export interface ResultMessage {
  readonly type: 'result';
  readonly id: string;
  readonly ok: boolean;
  readonly error?: ErrorData;
}

/** Messages the host posts to the page. */
export type HostToPageMessage =
  | SnapshotMessage
  | ProgressMessage
  | HistoryMessage
  | ItemsMessage
  | PerfMessage
  | ResultMessage;

/** The page has loaded (or reloaded) and wants a snapshot; it names what it had selected. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly selectedOperationId?: string;
}

/** What every page request carries: an id the host echoes in its `result`. */
interface Request<T extends string> {
  readonly type: T;
  readonly id: string;
}

/** Cancels an operation: queued items are dropped, running ones finish. */
export interface CancelRequest extends Request<'cancel'> {
  readonly operationId: string;
}

/** Retries the given items of an operation, or all its failed items when none are given. */
export interface RetryRequest extends Request<'retry'> {
  readonly operationId: string;
  readonly itemIds?: readonly string[];
}

/** Puts back the containers an operation changed. */
export interface RollbackRequest extends Request<'rollback'> {
  readonly operationId: string;
}

/** How the user answers the failure guard. */
export type GuardDecision = 'continue' | 'cancel' | 'rollback';

/** Answers the failure guard of an operation it paused. */
export interface DecideRequest extends Request<'decide'> {
  readonly operationId: string;
  readonly decision: GuardDecision;
}

/** Changes the priority of a queued or running operation. */
export interface SetPriorityRequest extends Request<'setPriority'> {
  readonly operationId: string;
  readonly priority: number;
}

/** Asks for the items of one operation, active or past; the host answers with `items`. */
export interface SelectOperationRequest extends Request<'selectOperation'> {
  readonly operationId: string;
}

/** Runs a past operation again on the same targets. */
export interface RerunRequest extends Request<'rerun'> {
  readonly operationId: string;
}

/** Resumes an interrupted operation where it stopped. */
export interface ResumeRequest extends Request<'resume'> {
  readonly operationId: string;
}

/** Forgets every finished operation. */
export type ClearHistoryRequest = Request<'clearHistory'>;

/** Page messages that ask the host to do something and get a `result`. */
export type PageRequest =
  | CancelRequest
  | RetryRequest
  | RollbackRequest
  | DecideRequest
  | SetPriorityRequest
  | SelectOperationRequest
  | RerunRequest
  | ResumeRequest
  | ClearHistoryRequest;

/** Messages the page posts to the host. */
export type PageToHostMessage = ReadyMessage | PageRequest;

// The validators are built from small checks so each message's shape reads like its type.
type Check = (x: unknown) => boolean;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const str =
  (max: number, min = 0): Check =>
  (x) =>
    typeof x === 'string' && x.length >= min && x.length <= max;

const id = str(MAX_ID_CHARS, 1);
const name = str(MAX_NAME_CHARS);
const text = str(MAX_TEXT_CHARS);
const bool: Check = (x) => typeof x === 'boolean';
const finite: Check = (x) => typeof x === 'number' && Number.isFinite(x);
const nonNegative: Check = (x) => finite(x) && (x as number) >= 0;
const count: Check = (x) => Number.isSafeInteger(x) && (x as number) >= 0;
const integerWithin =
  (limit: number): Check =>
  (x) =>
    Number.isSafeInteger(x) && Math.abs(x as number) <= limit;

const oneOf =
  (values: Readonly<Record<string, true>>): Check =>
  (x) =>
    typeof x === 'string' && Object.hasOwn(values, x);

const list =
  (max: number, item: Check): Check =>
  (x) =>
    Array.isArray(x) && x.length <= max && x.every(item);

/**
 * An object with these required and optional keys. `exact` rejects any other key: the page
 * is untrusted, while host records may grow fields this page has no use for.
 */
function shape(
  required: Readonly<Record<string, Check>>,
  optional: Readonly<Record<string, Check>> = {},
  exact = false,
): Check {
  return (x) => {
    if (!isRecord(x)) {
      return false;
    }
    for (const key in required) {
      if (!required[key]!(x[key])) {
        return false;
      }
    }
    for (const key in optional) {
      if (x[key] !== undefined && !optional[key]!(x[key])) {
        return false;
      }
    }
    return !exact
      || Object.keys(x).every((k) => Object.hasOwn(required, k) || Object.hasOwn(optional, k));
  };
}

// Records keyed by every member of a union, so the compiler flags a state added upstream.
const KINDS: Record<OperationKind, true> = {
  start: true, stop: true, restart: true, kill: true, pause: true, unpause: true, remove: true,
};
const ITEM_STATES: Record<ItemState, true> = {
  queued: true, running: true, succeeded: true, skipped: true, failed: true, cancelled: true,
  rolledBack: true,
};
const STATUSES: Record<OperationStatus, true> = {
  queued: true, running: true, guarded: true, rollingBack: true, completed: true, failed: true,
  cancelled: true, rolledBack: true, interrupted: true,
};
const CONTAINER_STATES: Record<ContainerState, true> = {
  created: true, running: true, paused: true, restarting: true, removing: true, exited: true,
  dead: true,
};
const DECISIONS: Record<GuardDecision, true> = { continue: true, cancel: true, rollback: true };

const counts = shape(
  Object.fromEntries(Object.keys(ITEM_STATES).map((s) => [s, count])) as Record<string, Check>,
);

const errorInfo = shape({ name, code: name, message: text, retryable: bool });

const itemRecord = shape(
  {
    id,
    name,
    host: name,
    before: oneOf(CONTAINER_STATES),
    state: oneOf(ITEM_STATES),
    attempts: count,
  },
  { durationMs: nonNegative, error: errorInfo, reason: text },
);

const hostProgress = shape(
  { host: name, total: count, counts, ratePerSecond: nonNegative, concurrency: count },
  { guardReason: text, engineProblem: text },
);

const progressSnapshot = shape(
  {
    operationId: id,
    kind: oneOf(KINDS),
    status: oneOf(STATUSES),
    priority: finite,
    total: count,
    counts,
    ratePerSecond: nonNegative,
    elapsedMs: nonNegative,
    concurrency: count,
    latencyMs: shape({ p50: nonNegative, p95: nonNegative, p99: nonNegative }),
  },
  {
    etaMs: nonNegative,
    guardReason: text,
    engineProblem: text,
    hosts: list(MAX_HOSTS, hostProgress),
  },
);

const activeView = shape({ snapshot: progressSnapshot, createdMs: finite }, { label: name });

const historySummary = shape(
  {
    operationId: id,
    kind: oneOf(KINDS),
    status: oneOf(STATUSES),
    total: count,
    counts,
    createdMs: finite,
  },
  { label: name, startedMs: finite, endedMs: finite },
);

const perfSample = shape({
  atMs: finite,
  throughput: list(
    MAX_SERIES_POINTS,
    shape({ atMs: finite, itemsPerSecond: nonNegative }),
  ),
  latencyMs: shape({ p50: nonNegative, p95: nonNegative, p99: nonNegative }),
  loopDelayMs: shape({ p50: nonNegative, p99: nonNegative }),
  memory: shape({ heapUsedBytes: nonNegative, rssBytes: nonNegative }),
  concurrencyLimit: count,
});

const itemsOf = { operationId: id, items: list(MAX_ITEMS_PER_MESSAGE, itemRecord) };
const itemsPage = shape({
  ...itemsOf,
  offset: (x) => count(x) && (x as number) < MAX_ITEMS,
  total: (x) => count(x) && (x as number) <= MAX_ITEMS,
});

const hostMessages: Readonly<Record<HostToPageMessage['type'], Check>> = {
  snapshot: shape(
    {
      active: list(MAX_OPERATIONS, activeView),
      history: list(MAX_OPERATIONS, historySummary),
    },
    { selected: itemsPage, perf: perfSample },
  ),
  progress: shape(
    { changed: list(MAX_OPERATIONS, activeView), removed: list(MAX_OPERATIONS, id) },
    { items: shape(itemsOf) },
  ),
  history: shape({ history: list(MAX_OPERATIONS, historySummary) }),
  items: itemsPage,
  perf: shape({ perf: perfSample }),
  result: shape(
    { id, ok: bool },
    { error: shape({ name, message: text, code: name }) },
  ),
};

const request = (fields: Readonly<Record<string, Check>> = {}, optional = {}): Check =>
  shape({ type: str(32), id, ...fields }, optional, true);

const pageMessages: Readonly<Record<PageToHostMessage['type'], Check>> = {
  ready: shape({ type: str(32) }, { selectedOperationId: id }, true),
  cancel: request({ operationId: id }),
  retry: request({ operationId: id }, { itemIds: list(MAX_ITEMS_PER_MESSAGE, id) }),
  rollback: request({ operationId: id }),
  decide: request({ operationId: id, decision: oneOf(DECISIONS) }),
  setPriority: request({ operationId: id, priority: integerWithin(PRIORITY_LIMIT) }),
  selectOperation: request({ operationId: id }),
  rerun: request({ operationId: id }),
  resume: request({ operationId: id }),
  clearHistory: request(),
};

function byType(checks: Readonly<Record<string, Check>>, x: unknown): boolean {
  return isRecord(x) && typeof x.type === 'string' && Object.hasOwn(checks, x.type)
    && checks[x.type]!(x);
}

/** True when `x` is a well-formed message from the page; anything else must be dropped. */
export function isPageToHostMessage(x: unknown): x is PageToHostMessage {
  return byType(pageMessages, x);
}

/** True when `x` is a well-formed message from the host, in every field the page reads. */
export function isHostToPageMessage(x: unknown): x is HostToPageMessage {
  return byType(hostMessages, x);
}

/**
 * The id a message the host could not read carries, when it is one a request could have:
 * the page waits for a `result` under it and, without one, would wait forever.
 */
export function requestIdOf(x: unknown): string | undefined {
  return isRecord(x) && Object.hasOwn(x, 'id') && id(x.id) ? (x.id as string) : undefined;
}

/** True when a page message expects a `result` reply. */
export function isPageRequest(message: PageToHostMessage): message is PageRequest {
  return message.type !== 'ready';
}

/** Error kept as plain data so it survives the trip to the page. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name.slice(0, MAX_NAME_CHARS),
      message: error.message.slice(0, MAX_TEXT_CHARS),
      code: typeof code === 'string' || typeof code === 'number'
        ? String(code).slice(0, MAX_NAME_CHARS)
        : 'EUNKNOWN',
    };
  }
  return { name: 'Error', message: String(error).slice(0, MAX_TEXT_CHARS), code: 'EUNKNOWN' };
}

/** Re-exported so the page needs only this module for the shapes it receives. */
export type { ErrorInfo, ItemCounts, ItemRecord, ItemState, OperationKind, OperationStatus };
export type { ProgressSnapshot };
