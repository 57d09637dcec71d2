import type {
  ActiveOperationView,
  HistorySummary,
  HostToPageMessage,
  ItemCounts,
  ItemRecord,
  ItemState,
  ItemsPage,
  OperationItems,
  OperationKind,
  OperationStatus,
  PerfSample,
} from '../../../src/extension/panel/panelProtocol';

/** What the page knows about any operation, active or past, to title its items. */
export interface OperationHeading {
  readonly operationId: string;
  readonly kind: OperationKind;
  readonly label?: string;
  readonly status: OperationStatus;
  readonly total: number;
  readonly counts: ItemCounts;
  readonly active: boolean;
}

/** Which parts of the state changed since the views last drew them. */
export interface Changes {
  /** Active operations whose progress moved. */
  readonly operations: Set<string>;
  /** Operations were added or removed, or all were replaced. */
  operationList: boolean;
  history: boolean;
  /** Some items of the selected operation changed. */
  items: boolean;
  /** The selected operation, or all its items, were replaced. */
  selection: boolean;
  perf: boolean;
}

function noChanges(): Changes {
  return {
    operations: new Set(),
    operationList: false,
    history: false,
    items: false,
    selection: false,
    perf: false,
  };
}

/** The page's model of the host's state, fed only by validated host messages. */
export class PanelStore {
  readonly active = new Map<string, ActiveOperationView>();
  history: readonly HistorySummary[] = [];
  perf: PerfSample | undefined;
  selectedId: string | undefined;
  /** Items of the selected operation; undefined while they are on their way. */
  items: ItemRecord[] | undefined;
  /** Pages of the selected operation's items received so far, until the last one. */
  loading: { received: ItemRecord[]; total: number } | undefined;
  /** How many of the selected operation's items are in each state, kept as items change. */
  readonly itemCounts = new Map<ItemState, number>();
  private readonly itemIndex = new Map<string, number>();
  private changes = noChanges();

  /** Applies one host message; `result` messages are not state and are ignored here. */
  apply(message: HostToPageMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.active.clear();
        for (const view of message.active) {
          this.active.set(view.snapshot.operationId, view);
        }
        this.history = message.history;
        this.perf = message.perf ?? this.perf;
        this.selectedId = message.selected?.operationId;
        this.setItems(undefined);
        if (message.selected !== undefined) {
          this.addPage(message.selected);
        }
        this.changes.operationList = true;
        this.changes.history = true;
        this.changes.perf = true;
        break;
      case 'progress':
        for (const view of message.changed) {
          const id = view.snapshot.operationId;
          this.changes.operationList ||= !this.active.has(id);
          this.changes.operations.add(id);
          this.active.set(id, view);
        }
        for (const id of message.removed) {
          this.changes.operationList ||= this.active.delete(id);
        }
        if (message.items !== undefined) {
          this.mergeItems(message.items);
        }
        break;
      case 'history':
        this.history = message.history;
        this.changes.history = true;
        break;
      case 'items':
        this.addPage(message);
        break;
      case 'perf':
        this.perf = message.perf;
        this.changes.perf = true;
        break;
      case 'result':
        break;
    }
  }

  /** Selects an operation; its items are unknown until the host sends them. */
  select(operationId: string): void {
    this.selectedId = operationId;
    this.setItems(undefined);
  }

  /** The heading of an operation, active or past, or undefined when the page has neither. */
  heading(operationId: string): OperationHeading | undefined {
    const view = this.active.get(operationId);
    if (view !== undefined) {
      const s = view.snapshot;
      return {
        operationId,
        kind: s.kind,
        ...(view.label !== undefined && { label: view.label }),
        status: s.status,
        total: s.total,
        counts: s.counts,
        active: true,
      };
    }
    const past = this.history.find((h) => h.operationId === operationId);
    return past && { ...past, active: false };
  }

  /** Returns what changed since the last call and starts counting afresh. */
  takeChanges(): Changes {
    const changes = this.changes;
    this.changes = noChanges();
    return changes;
  }

  // Pages come in order, right after one another; a page out of order starts nothing.
  private addPage(page: ItemsPage): void {
    if (page.operationId !== this.selectedId) {
      return;
    }
    if (page.offset === 0) {
      this.setItems(undefined);
      this.loading = { received: [], total: page.total };
    }
    const loading = this.loading;
    if (loading === undefined || page.offset !== loading.received.length) {
      return;
    }
    loading.received.push(...page.items);
    this.changes.selection = true;
    if (loading.received.length >= loading.total) {
      this.setItems(loading.received);
    }
  }

  private setItems(items: ItemRecord[] | undefined): void {
    this.items = items;
    this.loading = undefined;
    this.itemIndex.clear();
    this.itemCounts.clear();
    this.items?.forEach((item, index) => {
      this.itemIndex.set(item.id, index);
      this.count(item.state, 1);
    });
    this.changes.selection = true;
  }

  private mergeItems(delta: OperationItems): void {
    if (delta.operationId !== this.selectedId || this.items === undefined) {
      return;
    }
    for (const item of delta.items) {
      const index = this.itemIndex.get(item.id);
      if (index === undefined) {
        this.itemIndex.set(item.id, this.items.length);
        this.items.push(item);
      } else {
        this.count(this.items[index]!.state, -1);
        this.items[index] = item;
      }
      this.count(item.state, 1);
    }
    this.changes.items = true;
  }

  private count(state: ItemState, by: number): void {
    this.itemCounts.set(state, (this.itemCounts.get(state) ?? 0) + by);
  }
}
