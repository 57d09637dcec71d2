import type { Disposable, LogOutputChannel, Webview } from 'vscode';
import {
  FINAL_OPERATION_STATUSES,
  type ItemRecord,
  type ProgressSnapshot,
} from '../../engine/model/operation';
import type { PanelBackend, PanelChange } from './panelBackend';
import {
  isPageRequest,
  isPageToHostMessage,
  MAX_ITEMS,
  MAX_ITEMS_PER_MESSAGE,
  MAX_OPERATIONS,
  requestIdOf,
  toErrorData,
  type ActiveOperationView,
  type ErrorData,
  type HostToPageMessage,
  type ItemsPage,
  type OperationItems,
  type PageRequest,
} from './panelProtocol';

/** Shortest time between two `progress` messages. */
export const PROGRESS_INTERVAL_MS = 100;
/** Time between two `perf` messages while the page is shown. */
export const PERF_INTERVAL_MS = 1000;

/** The part of a webview a session talks through; tests pass a fake. */
export type WebviewPort = Pick<Webview, 'postMessage' | 'onDidReceiveMessage'>;

/**
 * The timers a session uses. Tests pass a fake rather than mocking the global timers, which
 * inside VS Code's extension host would also stop the host's own heartbeats.
 */
export interface SessionClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The real clock. */
export const systemClock: SessionClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/** The answer to a request the host could not read; it names nothing from the payload. */
const MALFORMED: ErrorData = {
  name: 'PanelRequestError',
  code: 'MalformedRequest',
  message: 'The host could not read this request; nothing was done.',
};

/** A page request the host cannot carry out, such as one naming an unknown operation. */
export class PanelRequestError extends Error {
  override readonly name = 'PanelRequestError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Meta = Pick<ActiveOperationView, 'label' | 'createdMs'>;

/**
 * The conversation with one loaded page: waits for its `ready`, sends a full snapshot, then
 * coalesces engine changes into one `progress` message per 100 ms at most, and carries out
 * the page's requests on the backend. Knows nothing of panels, so tests drive it directly.
 */
export class PanelSession implements Disposable {
  private ready = false;
  private selectedId: string | undefined;
  private readonly subscriptions: { dispose(): void }[] = [];

  // Label and creation time of each active operation the page knows, since snapshots lack them.
  private meta = new Map<string, Meta>();
  private readonly pendingSnapshots = new Map<string, ProgressSnapshot>();
  private readonly pendingItems = new Map<string, ItemRecord>();
  private historyChanged = false;
  private flushTimer: unknown;
  private perfTimer: unknown;
  private lastFlushMs = -Infinity;

  constructor(
    private readonly port: WebviewPort,
    private readonly backend: PanelBackend,
    private readonly log: LogOutputChannel,
    private readonly clock: SessionClock = systemClock,
  ) {
    this.subscriptions.push(port.onDidReceiveMessage((message) => this.receive(message)));
    this.subscriptions.push(backend.onDidChange((change) => this.collect(change)));
  }

  /** The page went away (hidden without retained context); stay quiet until it is ready. */
  pause(): void {
    this.ready = false;
    this.stopTimers();
    this.pendingSnapshots.clear();
    this.pendingItems.clear();
    this.historyChanged = false;
  }

  dispose(): void {
    this.pause();
    for (const subscription of this.subscriptions.splice(0)) {
      subscription.dispose();
    }
  }

  private receive(message: unknown): void {
    if (!isPageToHostMessage(message)) {
      this.log.warn(`[panel] dropped a malformed message from the page (${describe(message)})`);
      const id = requestIdOf(message);
      if (id !== undefined) {
        this.post({ type: 'result', id, ok: false, error: MALFORMED });
      }
      return;
    }

    if (isPageRequest(message)) {
      void this.answer(message);
      return;
    }

    this.log.debug('[panel] page ready');
    this.selectedId = message.selectedOperationId;
    this.ready = true;
    this.sendSnapshot();
    this.stopTimers();
    this.perfTimer = this.clock.setInterval(
      () => this.post({ type: 'perf', perf: this.backend.getPerf() }),
      PERF_INTERVAL_MS,
    );
  }

  private async answer(request: PageRequest): Promise<void> {
    try {
      await this.carryOut(request);
      this.post({ type: 'result', id: request.id, ok: true });
    } catch (error) {
      const data = toErrorData(error);
      const target = 'operationId' in request ? ` of ${request.operationId}` : '';
      this.log.error(`[panel] ${request.type}${target} failed: ${data.code} ${data.message}`);
      this.post({ type: 'result', id: request.id, ok: false, error: data });
    }
  }

  private carryOut(request: PageRequest): Promise<void> {
    const backend = this.backend;
    switch (request.type) {
      case 'cancel':
        return backend.cancel(request.operationId);
      case 'retry':
        return backend.retry(request.operationId, request.itemIds);
      case 'rollback':
        return backend.rollback(request.operationId);
      case 'decide':
        return backend.decide(request.operationId, request.decision);
      case 'setPriority':
        return backend.setPriority(request.operationId, request.priority);
      case 'rerun':
        return backend.rerun(request.operationId);
      case 'resume':
        return backend.resume(request.operationId);
      case 'clearHistory':
        return backend.clearHistory();
      case 'selectOperation':
        return Promise.resolve(this.select(request.operationId));
    }
  }

  private select(operationId: string): void {
    const items = this.backend.getItems(operationId);
    if (items === undefined) {
      throw new PanelRequestError('OperationNotFound', `No operation ${operationId}.`);
    }

    // Changes collected for the previous selection are of no use to the page any more.
    this.selectedId = operationId;
    this.pendingItems.clear();
    for (const page of this.pages(operationId, items)) {
      this.post({ type: 'items', ...page });
    }
  }

  private sendSnapshot(): void {
    this.pendingSnapshots.clear();
    this.pendingItems.clear();
    this.historyChanged = false;

    const state = this.backend.getState();
    this.meta = new Map(state.active.map((v) => [v.snapshot.operationId, metaOf(v)]));
    const items = this.selectedId === undefined
      ? undefined
      : this.backend.getItems(this.selectedId);
    const [selected, ...rest] = items === undefined ? [] : this.pages(this.selectedId!, items);
    this.selectedId = selected?.operationId;

    this.post({
      type: 'snapshot',
      active: state.active.slice(0, MAX_OPERATIONS),
      history: state.history.slice(0, MAX_OPERATIONS),
      ...(selected && { selected }),
      perf: this.backend.getPerf(),
    });
    for (const page of rest) {
      this.post({ type: 'items', ...page });
    }
  }

  private collect(change: PanelChange): void {
    if (!this.ready) {
      return;
    }

    for (const snapshot of change.snapshots) {
      this.pendingSnapshots.set(snapshot.operationId, snapshot);
    }
    for (const group of change.items) {
      if (group.operationId === this.selectedId) {
        for (const item of group.items) {
          this.pendingItems.set(item.id, item);
        }
      }
    }
    this.historyChanged ||= change.historyChanged;

    // The first change after a quiet spell goes out on the next turn, later ones wait their
    // turn, so a burst of a thousand item changes still makes one message.
    if (this.flushTimer === undefined) {
      const wait = Math.max(0, this.lastFlushMs + PROGRESS_INTERVAL_MS - this.clock.now());
      this.flushTimer = this.clock.setTimeout(() => this.flush(), wait);
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlushMs = this.clock.now();
    const snapshots = [...this.pendingSnapshots.values()];
    this.pendingSnapshots.clear();

    // A new operation, or one that left, needs the backend's whole view: snapshots alone
    // carry no label and do not say when an operation appeared without moving yet.
    const removed: string[] = [];
    const changed: ActiveOperationView[] = [];
    const fresh = snapshots.some((s) => !this.meta.has(s.operationId) && isActive(s));
    const state = fresh || this.historyChanged ? this.backend.getState() : undefined;
    if (state !== undefined) {
      const known = this.meta;
      this.meta = new Map(state.active.map((v) => [v.snapshot.operationId, metaOf(v)]));
      removed.push(...[...known.keys()].filter((id) => !this.meta.has(id)));
      const moved = new Set(snapshots.map((s) => s.operationId));
      changed.push(...state.active.filter((v) => {
        const id = v.snapshot.operationId;
        return !known.has(id) && !moved.has(id);
      }));
    }

    for (const snapshot of snapshots) {
      const meta = this.meta.get(snapshot.operationId);
      if (!isActive(snapshot)) {
        if (this.meta.delete(snapshot.operationId) && !removed.includes(snapshot.operationId)) {
          removed.push(snapshot.operationId);
        }
      } else if (meta !== undefined) {
        changed.push({ snapshot, ...meta });
      }
    }
    const [items, ...moreItems] = this.takeItems();

    if (changed.length > 0 || removed.length > 0 || items !== undefined) {
      this.post({ type: 'progress', changed, removed, ...(items && { items }) });
    }
    for (const more of moreItems) {
      this.post({ type: 'progress', changed: [], removed: [], items: more });
    }
    if (this.historyChanged && state !== undefined) {
      this.historyChanged = false;
      this.post({ type: 'history', history: state.history.slice(0, MAX_OPERATIONS) });
    }
  }

  private takeItems(): OperationItems[] {
    const operationId = this.selectedId;
    if (operationId === undefined || this.pendingItems.size === 0) {
      return [];
    }
    const items = [...this.pendingItems.values()];
    this.pendingItems.clear();
    return chunk(items).map((page) => ({ operationId, items: page }));
  }

  // A list longer than a page goes in several messages, so the page unpacks each quickly.
  private pages(operationId: string, items: readonly ItemRecord[]): ItemsPage[] {
    if (items.length > MAX_ITEMS) {
      this.log.warn(`[panel] ${operationId} has ${items.length} items; showing ${MAX_ITEMS}`);
    }
    const shown = items.slice(0, MAX_ITEMS);
    const pages = chunk(shown).map((page, i) => ({
      operationId,
      offset: i * MAX_ITEMS_PER_MESSAGE,
      total: shown.length,
      items: page,
    }));
    return pages.length > 0 ? pages : [{ operationId, offset: 0, total: 0, items: [] }];
  }

  private post(message: HostToPageMessage): void {
    if (!this.ready) {
      return;
    }
    this.port.postMessage(message).then(undefined, (error: unknown) => {
      this.log.debug(`[panel] could not post ${message.type}: ${String(error)}`);
    });
  }

  private stopTimers(): void {
    this.clock.clearTimeout(this.flushTimer);
    this.clock.clearInterval(this.perfTimer);
    this.flushTimer = undefined;
    this.perfTimer = undefined;
  }
}

function chunk<T>(all: readonly T[]): T[][] {
  const pages: T[][] = [];
  for (let start = 0; start < all.length; start += MAX_ITEMS_PER_MESSAGE) {
    pages.push(all.slice(start, start + MAX_ITEMS_PER_MESSAGE));
  }
  return pages;
}

function isActive(snapshot: ProgressSnapshot): boolean {
  return !FINAL_OPERATION_STATUSES.has(snapshot.status);
}

function metaOf(view: ActiveOperationView): Meta {
  return view.label === undefined
    ? { createdMs: view.createdMs }
    : { label: view.label, createdMs: view.createdMs };
}

// Enough to recognise a bad message in the log without copying an untrusted payload into it.
function describe(message: unknown): string {
  if (typeof message === 'object' && message !== null && 'type' in message) {
    const type = (message as { type: unknown }).type;
    return typeof type === 'string' ? `type ${JSON.stringify(type.slice(0, 40))}` : 'bad type';
  }
  return typeof message;
}
