import type { ActiveOperationView } from '../../../src/extension/panel/panelProtocol';
import type { PanelStore } from '../state/panelStore';
import { el, setShown } from './dom';
import { OperationCard } from './operationCard';
import type { RequestRunner } from './requestRunner';

/** Running operations first, then queued ones by priority, oldest first among equals. */
function order(a: ActiveOperationView, b: ActiveOperationView): number {
  const rank = (v: ActiveOperationView): number => (v.snapshot.status === 'queued' ? 1 : 0);
  return rank(a) - rank(b)
    || b.snapshot.priority - a.snapshot.priority
    || a.createdMs - b.createdMs;
}

/** The list of running and queued operations, one card each. */
export class OperationsView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly cards = new Map<string, OperationCard>();
  private selectedId: string | undefined;

  constructor(
    private readonly run: RequestRunner,
    private readonly onSelect: (operationId: string) => void,
  ) {
    this.list = el('div', { className: 'cards', attrs: { role: 'list' } });
    this.empty = el('p', { className: 'empty', text: 'No operation is running or queued.' });
    this.element = el(
      'section',
      { className: 'operations', attrs: { 'aria-label': 'Running and queued operations' } },
      this.empty,
      this.list,
    );
  }

  /** Draws what changed: every card when the list or selection changed, else moved ones. */
  update(store: PanelStore, listChanged: boolean, moved: ReadonlySet<string>): void {
    const selectionChanged = store.selectedId !== this.selectedId;
    this.selectedId = store.selectedId;
    if (!listChanged && !selectionChanged) {
      for (const id of moved) {
        const view = store.active.get(id);
        if (view !== undefined) {
          this.cards.get(id)?.update(view, id === this.selectedId);
        }
      }
      // A priority change can reorder the queue.
      if (moved.size > 0) {
        this.arrange(store);
      }
      return;
    }

    for (const [id, card] of this.cards) {
      if (!store.active.has(id)) {
        card.element.parentElement?.remove();
        this.cards.delete(id);
      }
    }
    for (const [id, view] of store.active) {
      let card = this.cards.get(id);
      if (card === undefined) {
        card = new OperationCard(view, this.run, this.onSelect);
        this.cards.set(id, card);
      }
      card.update(view, id === this.selectedId);
    }
    setShown(this.empty, store.active.size === 0);
    this.arrange(store);
  }

  private arrange(store: PanelStore): void {
    const wanted = [...store.active.values()].sort(order).map((v) => v.snapshot.operationId);
    const current = Array.from(this.list.children, (li) => (li as HTMLElement).dataset.id);
    if (wanted.length === current.length && wanted.every((id, i) => id === current[i])) {
      return;
    }
    for (const id of wanted) {
      const card = this.cards.get(id)!;
      const item = card.element.parentElement
        ?? el('div', { className: 'card-slot', attrs: { role: 'listitem', 'data-id': id } },
          card.element);
      this.list.append(item);
    }
  }
}
