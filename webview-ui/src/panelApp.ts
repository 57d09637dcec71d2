import {
  isHostToPageMessage,
  type HostToPageMessage,
} from '../../src/extension/panel/panelProtocol';
import { HostConnection } from './host/hostConnection';
import type { VsCodeApi } from './host/vscodeApi';
import { FrameScheduler } from './state/frameScheduler';
import { PanelStore } from './state/panelStore';
import { readSavedState, type SavedState, type TabId } from './state/savedState';
import { createTabs, type Tabs } from './toolkit/elements';
import { el, setShown, setText } from './views/dom';
import { formatCount } from './views/format';
import { HistoryView } from './views/historyView';
import { ItemsView } from './views/itemsView';
import { OperationsView } from './views/operationsView';
import { PerfView } from './views/perfView';
import type { RequestRunner } from './views/requestRunner';
import { StatusLine } from './views/statusLine';

/**
 * The Operations page: takes validated host messages into a store, and redraws what changed
 * at most once per animation frame, however fast messages and scroll events come.
 */
export class PanelApp {
  private readonly store = new PanelStore();
  private readonly connection: HostConnection;
  private readonly scheduler = new FrameScheduler(() => this.frame());
  private readonly inbox: HostToPageMessage[] = [];
  private readonly status = new StatusLine();
  private readonly tabs: Tabs<TabId>;
  private readonly operations: OperationsView;
  private readonly history: HistoryView;
  private readonly items: ItemsView;
  private readonly perf = new PerfView();
  private readonly itemSlots: Record<'operations' | 'history', HTMLElement>;
  private tab: TabId;
  private drawnSelection: string | undefined;
  private savedJson = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly api: VsCodeApi,
  ) {
    const saved = readSavedState(api.getState());
    this.tab = saved.tab;
    this.connection = new HostConnection(api);
    const render = (): void => this.scheduler.request();
    const select = (operationId: string): void => this.select(operationId);

    this.operations = new OperationsView(this.run, select);
    this.history = new HistoryView(this.run, select);
    this.items = new ItemsView(this.run, render, render, saved);
    this.itemSlots = {
      operations: el('div', { className: 'items-slot' }),
      history: el('div', { className: 'items-slot' }),
    };

    this.tabs = createTabs<TabId>(
      [
        { id: 'operations', title: 'Operations' },
        { id: 'history', title: 'History' },
        { id: 'performance', title: 'Performance' },
      ],
      'Stevedore operations',
    );
    this.tabs.views.operations.append(
      el('div', { className: 'tab-body' }, this.operations.element, this.itemSlots.operations),
    );
    this.tabs.views.history.append(
      el('div', { className: 'tab-body' }, this.history.element, this.itemSlots.history),
    );
    this.tabs.views.performance.append(
      el('div', { className: 'tab-body' }, this.perf.element),
    );
    this.tabs.onChange((tab) => this.showTab(tab));

    root.replaceChildren(
      el('h1', { className: 'visually-hidden', text: 'Stevedore Operations' }),
      this.status.element,
      this.tabs.element,
    );
    this.start(saved);
  }

  private start(saved: SavedState): void {
    this.tabs.activate(saved.tab);
    this.placeItems();
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    if (saved.selectedOperationId !== undefined) {
      this.store.select(saved.selectedOperationId);
    }
    this.connection.ready(saved.selectedOperationId);
    this.scheduler.request();
  }

  private receive(data: unknown): void {
    // Validated on arrival, so the store only ever holds well-formed data.
    if (!isHostToPageMessage(data)) {
      const type = typeof data === 'object' && data !== null
        ? (data as { type?: unknown }).type
        : typeof data;
      console.warn('Stevedore: dropped a malformed host message', String(type).slice(0, 40));
      return;
    }
    this.inbox.push(data);
    this.scheduler.request();
  }

  private frame(): void {
    for (const message of this.inbox.splice(0)) {
      if (message.type === 'result') {
        this.connection.settle(message);
      } else {
        this.store.apply(message);
        if (message.type === 'snapshot') {
          this.root.setAttribute('aria-busy', 'false');
        }
      }
    }

    const changes = this.store.takeChanges();
    const selectionMoved = this.drawnSelection !== this.store.selectedId;
    this.drawnSelection = this.store.selectedId;
    this.operations.update(this.store, changes.operationList, changes.operations);
    if (changes.history || selectionMoved) {
      this.history.update(this.store, changes.history);
    }
    this.items.update(this.store, changes.items || changes.selection);
    if (changes.perf) {
      this.perf.update(this.store.perf);
    }
    this.badge('operations', this.store.active.size);
    this.badge('history', this.store.history.length);
    this.save();
  }

  private readonly run: RequestRunner = (title, body, button) => {
    if (button !== undefined) {
      button.disabled = true;
    }
    this.status.clear();
    void this.connection.request(body).then((result) => {
      if (button !== undefined) {
        button.disabled = false;
      }
      if (!result.ok) {
        this.status.show(`${title} failed: ${result.error?.message ?? 'no reason given'}`);
      }
    });
  };

  private select(operationId: string): void {
    if (operationId === this.store.selectedId && this.store.items !== undefined) {
      return;
    }
    this.store.select(operationId);
    this.scheduler.request();
    this.run('Show containers', { type: 'selectOperation', operationId });
  }

  private showTab(tab: TabId): void {
    this.tab = tab;
    this.placeItems();
    this.scheduler.request();
  }

  // One items list serves both tabs that show one, so its filter and scroll carry over.
  private placeItems(): void {
    if (this.tab === 'operations' || this.tab === 'history') {
      const slot = this.itemSlots[this.tab];
      if (this.items.element.parentElement !== slot) {
        slot.append(this.items.element);
      }
    }
  }

  private badge(tab: TabId, count: number): void {
    const badge = this.tabs.badges[tab];
    setShown(badge, count > 0);
    setText(badge, formatCount(count));
  }

  private save(): void {
    const state: SavedState = {
      tab: this.tab,
      ...(this.store.selectedId !== undefined && { selectedOperationId: this.store.selectedId }),
      ...this.items.filter,
    };
    const json = JSON.stringify(state);
    if (json !== this.savedJson) {
      this.savedJson = json;
      this.api.setState(state);
    }
  }
}
