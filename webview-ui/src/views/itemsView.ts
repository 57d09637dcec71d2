import type { ItemRecord, ItemState } from '../../../src/extension/panel/panelProtocol';
import type { StateFilter } from '../state/savedState';
import type { PanelStore } from '../state/panelStore';
import {
  createButton,
  createDropdown,
  createProgressRing,
  createTextField,
  type ButtonElement,
} from '../toolkit/elements';
import { el, setAttr, setShown, setText } from './dom';
import { formatCount, formatDuration, stateLabel, statusLabel } from './format';
import { operationTitle } from './operationCard';
import type { RequestRunner } from './requestRunner';
import { VirtualRows, type PooledRow } from './virtualRows';

/** Height of one row in pixels; the stylesheet sets the same. */
export const ITEM_ROW_HEIGHT = 32;

const STATES: readonly ItemState[] = [
  'queued', 'running', 'succeeded', 'skipped', 'failed', 'cancelled', 'rolledBack',
];

const COLUMNS = ['Name', 'Host', 'State', 'Attempts', 'Duration', 'Message', 'Action'];

interface ItemRow extends PooledRow {
  readonly cells: readonly HTMLElement[];
  readonly retry: ButtonElement;
  item: ItemRecord | undefined;
}

/**
 * The containers of the selected operation: a filter by state, a search by name, and a
 * virtualized table of rows with a Retry button on each failed one.
 */
export class ItemsView {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly shownCount: HTMLElement;
  private readonly loading: HTMLElement;
  private readonly loadingText: HTMLElement;
  private readonly placeholder: HTMLElement;
  private readonly body: HTMLElement;
  private readonly table: HTMLElement;
  private readonly rows: VirtualRows<ItemRow>;
  private readonly stateField: HTMLElement & { value: string };
  private readonly searchField: HTMLElement & { value: string };
  private items: readonly ItemRecord[] = [];
  private operationId: string | undefined;
  // Indexes into `items` that pass the filter, or undefined when every item does.
  private visible: number[] | undefined;
  private filterDirty = true;

  constructor(
    private readonly run: RequestRunner,
    requestRender: () => void,
    private readonly onFilterChange: () => void,
    initial: { readonly stateFilter: StateFilter; readonly search: string },
  ) {
    this.heading = el('h2', { className: 'items-heading', text: 'Containers' });
    this.summary = el('p', { className: 'items-summary' });
    this.stateField = createDropdown(
      [
        { value: 'all', label: 'All states' },
        ...STATES.map((s) => ({ value: s, label: stateLabel(s) })),
      ],
      { ariaLabel: 'Show containers in state', value: initial.stateFilter },
    );
    this.searchField = createTextField({
      ariaLabel: 'Search containers by name',
      placeholder: 'Search by name',
      value: initial.search,
      maxLength: 200,
    });
    this.shownCount = el('span', { className: 'shown-count', attrs: { 'aria-live': 'polite' } });
    this.stateField.addEventListener('change', () => this.filterChanged(requestRender));
    this.searchField.addEventListener('input', () => this.filterChanged(requestRender));

    this.rows = new VirtualRows(
      { create: () => this.createRow(), fill: (row, index) => this.fillRow(row, index) },
      ITEM_ROW_HEIGHT,
      requestRender,
      2,
    );
    this.rows.element.addEventListener('click', (event) => this.rowClicked(event));
    this.table = el(
      'div',
      { className: 'items-table', attrs: { role: 'table', 'aria-label': 'Containers' } },
      el(
        'div',
        { className: 'items-header', attrs: { role: 'rowgroup' } },
        el(
          'div',
          { className: 'item-row', attrs: { role: 'row', 'aria-rowindex': '1' } },
          ...COLUMNS.map((title) => el('span', {
            className: 'cell',
            text: title === 'Action' ? '' : title,
            attrs: { role: 'columnheader', ...(title === 'Action' && { 'aria-label': title }) },
          })),
        ),
      ),
      this.rows.element,
    );

    this.loadingText = el('span', { text: 'Loading containers…' });
    this.loading = el('div', { className: 'loading' }, createProgressRing('Loading containers'),
      this.loadingText);
    this.placeholder = el('p', {
      className: 'empty',
      text: 'Select an operation to see its containers.',
    });
    this.body = el(
      'div',
      { className: 'items-body' },
      el('div', { className: 'toolbar' }, this.stateField, this.searchField, this.shownCount),
      this.table,
    );
    this.element = el(
      'section',
      { className: 'items', attrs: { 'aria-label': 'Containers of the selected operation' } },
      this.heading,
      this.summary,
      this.placeholder,
      this.loading,
      this.body,
    );
  }

  /** The filter and search, for saving in webview state. */
  get filter(): { stateFilter: StateFilter; search: string } {
    return { stateFilter: this.stateField.value as StateFilter, search: this.searchField.value };
  }

  /** Draws the selected operation's items; `changed` says whether they moved since last. */
  update(store: PanelStore, changed: boolean): void {
    const id = store.selectedId;
    const heading = id === undefined ? undefined : store.heading(id);
    setText(
      this.heading,
      heading ? `Containers of ${operationTitle(heading.kind, heading.label)}` : 'Containers',
    );
    setShown(this.placeholder, id === undefined);
    setShown(this.loading, id !== undefined && store.items === undefined);
    const loading = store.loading;
    setText(this.loadingText, loading === undefined
      ? 'Loading containers…'
      : `Loading containers… ${formatCount(loading.received.length)} of ${
        formatCount(loading.total)}`);
    setShown(this.body, store.items !== undefined);

    if (id !== this.operationId) {
      this.operationId = id;
      this.rows.element.scrollTop = 0;
    }
    if (changed || store.items !== this.items) {
      this.items = store.items ?? [];
      this.filterDirty = true;
    }
    if (this.filterDirty) {
      this.filterDirty = false;
      this.refilter();
    }
    this.summarize(store, heading ? statusLabel(heading.status) : undefined);
    this.rows.render();
  }

  private filterChanged(requestRender: () => void): void {
    this.filterDirty = true;
    this.onFilterChange();
    requestRender();
  }

  private refilter(): void {
    const state = this.stateField.value;
    const query = this.searchField.value.trim().toLowerCase();
    const items = this.items;
    if (state === 'all' && query === '') {
      this.visible = undefined;
    } else {
      const visible: number[] = [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if ((state === 'all' || item.state === state)
          && (query === '' || item.name.toLowerCase().includes(query))) {
          visible.push(i);
        }
      }
      this.visible = visible;
    }

    const shown = this.visible?.length ?? items.length;
    this.rows.setCount(shown);
    setAttr(this.table, 'aria-rowcount', String(shown + 1));
    setText(
      this.shownCount,
      `Showing ${formatCount(shown)} of ${formatCount(items.length)}`,
    );
  }

  private summarize(store: PanelStore, status: string | undefined): void {
    const counts = store.itemCounts;
    const parts = STATES.filter((s) => (counts.get(s) ?? 0) > 0)
      .map((s) => `${stateLabel(s)} ${formatCount(counts.get(s)!)}`);
    setText(this.summary, [status, ...parts].filter(Boolean).join(' · '));
  }

  private createRow(): ItemRow {
    const cells = COLUMNS.slice(0, -1).map((title) =>
      el('span', { className: `cell cell-${title.toLowerCase()}`, attrs: { role: 'cell' } }));
    const retry = createButton('Retry', { action: 'retry-item' });
    const element = el(
      'div',
      { className: 'item-row', attrs: { role: 'row' } },
      ...cells,
      el('span', { className: 'cell cell-action', attrs: { role: 'cell' } }, retry),
    );
    return { element, cells, retry, item: undefined };
  }

  private fillRow(row: ItemRow, index: number): void {
    const item = this.items[this.visible === undefined ? index : this.visible[index]!];
    if (item === undefined || item === row.item) {
      return;
    }
    row.item = item;
    const [name, host, state, attempts, duration, message] = row.cells as HTMLElement[];
    setText(name!, item.name);
    setAttr(name!, 'title', item.name);
    setText(host!, item.host);
    setText(state!, stateLabel(item.state));
    setAttr(row.element, 'data-state', item.state);
    setText(attempts!, String(item.attempts));
    setText(duration!, item.durationMs === undefined ? '' : formatDuration(item.durationMs));
    const problem = item.error?.message ?? item.reason ?? '';
    setText(message!, problem);
    setAttr(message!, 'title', problem === '' ? undefined : problem);
    setShown(row.retry, item.state === 'failed');
    setAttr(row.retry, 'aria-label', `Retry ${item.name}`);
  }

  private rowClicked(event: Event): void {
    const button = (event.target as Element).closest('[data-action="retry-item"]');
    const index = button === null ? -1 : this.rows.indexOf(button);
    const item = this.items[this.visible === undefined ? index : this.visible[index] ?? -1];
    if (item === undefined || this.operationId === undefined) {
      return;
    }
    if ((button as ButtonElement).disabled) {
      return;
    }
    this.run(
      `Retry ${item.name}`,
      { type: 'retry', operationId: this.operationId, itemIds: [item.id] },
      button as ButtonElement,
    );
  }
}
