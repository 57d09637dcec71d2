import type { HistorySummary } from '../../../src/extension/panel/panelProtocol';
import type { PanelStore } from '../state/panelStore';
import { createButton, type ButtonElement } from '../toolkit/elements';
import { el, setAttr, setShown, setText } from './dom';
import { formatCount, formatDuration, formatTime, statusLabel } from './format';
import { operationTitle } from './operationCard';
import type { RequestRunner } from './requestRunner';

const COLUMNS = [
  'Operation', 'Status', 'Targets', 'Succeeded', 'Skipped', 'Failed', 'Cancelled', 'Started',
  'Duration',
];

interface HistoryRow {
  readonly element: HTMLTableRowElement;
  readonly select: HTMLButtonElement;
  readonly cells: readonly HTMLElement[];
}

/**
 * Past operations, newest first. Choosing one lists its items below and offers Re-run,
 * Resume (when interrupted), Retry all failed and Roll back.
 */
export class HistoryView {
  readonly element: HTMLElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly empty: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly rows = new Map<string, HistoryRow>();
  private readonly detail: HTMLElement;
  private readonly detailTitle: HTMLElement;
  private readonly rerun: ButtonElement;
  private readonly resume: ButtonElement;
  private readonly retryFailed: ButtonElement;
  private readonly rollback: ButtonElement;
  private readonly clear: ButtonElement;
  private selected: HistorySummary | undefined;

  constructor(
    private readonly run: RequestRunner,
    private readonly onSelect: (operationId: string) => void,
  ) {
    this.clear = createButton('Clear history', { action: 'clear-history' });
    this.clear.addEventListener('click', () => {
      if (!this.clear.disabled) {
        this.run('Clear history', { type: 'clearHistory' }, this.clear);
      }
    });
    this.tbody = el('tbody');
    this.table = el(
      'table',
      { className: 'history-table', attrs: { 'aria-label': 'Past operations' } },
      el('thead', {}, el('tr', {}, ...COLUMNS.map((c) => el('th', { text: c, attrs: {
        scope: 'col',
      } })))),
      this.tbody,
    );
    this.empty = el('p', { className: 'empty', text: 'No past operations.' });

    this.rerun = this.detailButton('Re-run', 'rerun', () => ({ type: 'rerun' }));
    this.resume = this.detailButton('Resume', 'resume', () => ({ type: 'resume' }));
    this.retryFailed = this.detailButton('Retry all failed', 'retry-failed', () => ({
      type: 'retry',
    }));
    this.rollback = this.detailButton('Roll back', 'rollback', () => ({ type: 'rollback' }));
    this.detailTitle = el('span', { className: 'detail-title' });
    this.detail = el(
      'div',
      { className: 'toolbar detail', attrs: { role: 'group', 'aria-label': 'Past operation' } },
      this.detailTitle,
      this.rerun,
      this.resume,
      this.retryFailed,
      this.rollback,
    );

    this.element = el(
      'section',
      { className: 'history', attrs: { 'aria-label': 'History' } },
      el('div', { className: 'toolbar' }, el('h2', { text: 'History' }), this.clear),
      this.empty,
      el('div', { className: 'history-scroll' }, this.table),
      this.detail,
    );
  }

  /** Redraws the rows when the history changed, and the selection every time. */
  update(store: PanelStore, historyChanged: boolean): void {
    if (historyChanged) {
      this.redraw(store.history);
    }
    for (const [id, row] of this.rows) {
      const selected = id === store.selectedId;
      row.element.classList.toggle('selected', selected);
      setAttr(row.select, 'aria-pressed', String(selected));
    }

    this.selected = store.history.find((h) => h.operationId === store.selectedId);
    const s = this.selected;
    setShown(this.detail, s !== undefined);
    setShown(this.empty, store.history.length === 0);
    setShown(this.table, store.history.length > 0);
    this.clear.disabled = store.history.length === 0;
    if (s !== undefined) {
      setText(this.detailTitle, `${operationTitle(s.kind, s.label)} — ${statusLabel(s.status)}`);
      setShown(this.resume, s.status === 'interrupted');
      setShown(this.retryFailed, s.counts.failed > 0);
      setShown(this.rollback, s.kind !== 'remove' && s.counts.succeeded > 0
        && s.status !== 'rolledBack');
    }
  }

  private redraw(history: readonly HistorySummary[]): void {
    const ids = new Set(history.map((h) => h.operationId));
    for (const [id, row] of this.rows) {
      if (!ids.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
    history.forEach((summary) => {
      let row = this.rows.get(summary.operationId);
      if (row === undefined) {
        row = this.createRow(summary.operationId);
        this.rows.set(summary.operationId, row);
      }
      this.fill(row, summary);
      this.tbody.append(row.element);
    });
  }

  private createRow(operationId: string): HistoryRow {
    const select = el('button', { className: 'link', attrs: { type: 'button' } });
    const cells = COLUMNS.slice(1).map(() => el('td'));
    const element = el(
      'tr',
      { attrs: { 'data-operation-id': operationId } },
      el('td', {}, select),
      ...cells,
    );
    element.addEventListener('click', () => this.onSelect(operationId));
    return { element, select, cells };
  }

  private fill(row: HistoryRow, h: HistorySummary): void {
    const [status, targets, succeeded, skipped, failed, cancelled, started, duration] =
      row.cells as HTMLElement[];
    setText(row.select, operationTitle(h.kind, h.label));
    setText(status!, statusLabel(h.status));
    setAttr(status!, 'data-status', h.status);
    setText(targets!, formatCount(h.total));
    setText(succeeded!, formatCount(h.counts.succeeded));
    setText(skipped!, formatCount(h.counts.skipped));
    setText(failed!, formatCount(h.counts.failed));
    setText(cancelled!, formatCount(h.counts.cancelled));
    setText(started!, formatTime(h.startedMs ?? h.createdMs));
    const ended = h.endedMs;
    setText(duration!, ended === undefined || h.startedMs === undefined
      ? '—'
      : formatDuration(ended - h.startedMs));
  }

  private detailButton(
    label: string,
    action: string,
    body: () => { type: 'rerun' | 'resume' | 'retry' | 'rollback' },
  ): ButtonElement {
    const button = createButton(label, { action });
    button.addEventListener('click', () => {
      const s = this.selected;
      if (s !== undefined && !button.disabled) {
        this.run(label, { ...body(), operationId: s.operationId }, button);
      }
    });
    return button;
  }
}
