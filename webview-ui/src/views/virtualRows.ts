import { el, setAttr } from './dom';

/** A pooled row: its element, which the list positions, and whatever the template keeps. */
export interface PooledRow {
  readonly element: HTMLElement;
}

/** Makes and fills rows; `fill` is called for every shown row each render, so keep it cheap. */
export interface RowTemplate<R extends PooledRow> {
  create(): R;
  fill(row: R, index: number): void;
}

/** Rows drawn beyond the viewport at each end, so a fast scroll shows no blank band. */
const OVERSCAN = 6;

/** Rows added to the pool per frame: each holds a toolkit button, costly to create. */
const POOL_GROWTH = 12;

/**
 * A scrolling list of fixed-height rows that keeps only the visible ones in the DOM, so ten
 * thousand rows cost what forty do. Scroll position and size are cached from events, so a
 * render reads no layout.
 */
export class VirtualRows<R extends PooledRow> {
  /** The scrolling element: focusable, so the keyboard scrolls it. */
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: { row: R; index: number }[] = [];
  private count = 0;
  private scrollTop = 0;
  private viewportHeight = 0;

  constructor(
    private readonly template: RowTemplate<R>,
    private readonly rowHeight: number,
    private readonly requestRender: () => void,
    /** aria-rowindex of the first row, after any header rows. */
    private readonly firstRowIndex = 1,
  ) {
    this.spacer = el('div', { className: 'virtual-spacer', attrs: { role: 'presentation' } });
    this.element = el(
      'div',
      { className: 'virtual-rows', attrs: { role: 'rowgroup', tabindex: '0' } },
      this.spacer,
    );
    this.element.addEventListener('scroll', () => {
      this.scrollTop = this.element.scrollTop;
      this.requestRender();
    }, { passive: true });
    new ResizeObserver((entries) => {
      const height = entries[entries.length - 1]?.contentRect.height ?? 0;
      if (height !== this.viewportHeight) {
        this.viewportHeight = height;
        this.requestRender();
      }
    }).observe(this.element);
  }

  /** How many rows there are now. */
  setCount(count: number): void {
    if (count !== this.count) {
      this.count = count;
      this.spacer.style.height = `${count * this.rowHeight}px`;
    }
  }

  /** Shows the rows in view, reusing pooled elements. */
  render(): void {
    this.growPool();

    // The browser clamps scrollTop when the list shrinks; clamp here too until it says so.
    const maxTop = Math.max(0, this.count * this.rowHeight - this.viewportHeight);
    const top = Math.min(this.scrollTop, maxTop);
    const first = Math.max(0, Math.floor(top / this.rowHeight) - OVERSCAN);

    for (let slot = 0; slot < this.pool.length; slot++) {
      const pooled = this.pool[slot]!;
      const index = first + slot;
      const shown = index < this.count;
      if (pooled.row.element.hidden === shown) {
        pooled.row.element.hidden = !shown;
      }
      if (!shown) {
        pooled.index = -1;
        continue;
      }
      if (pooled.index !== index) {
        pooled.index = index;
        pooled.row.element.style.transform = `translateY(${index * this.rowHeight}px)`;
        setAttr(pooled.row.element, 'aria-rowindex', String(index + this.firstRowIndex));
      }
      this.template.fill(pooled.row, index);
    }
  }

  /** Scrolls so the row at `index` is in view. */
  scrollToIndex(index: number): void {
    const top = index * this.rowHeight;
    if (top < this.scrollTop || top + this.rowHeight > this.scrollTop + this.viewportHeight) {
      this.element.scrollTop = Math.max(0, top - this.viewportHeight / 2);
    }
  }

  /** The row element's current index, or -1 when it shows none. */
  indexOf(element: Element): number {
    return this.pool.find((p) => p.row.element.contains(element))?.index ?? -1;
  }

  // Spread over frames, so showing the list for the first time makes no long task.
  private growPool(): void {
    const needed = Math.ceil(this.viewportHeight / this.rowHeight) + 2 * OVERSCAN;
    const target = Math.min(needed, this.pool.length + POOL_GROWTH);
    if (target < needed) {
      this.requestRender();
    }
    while (this.pool.length < target) {
      const row = this.template.create();
      row.element.hidden = true;
      this.spacer.append(row.element);
      this.pool.push({ row, index: -1 });
    }
  }
}
