import type { ItemCounts } from '../../../src/extension/panel/panelProtocol';
import { el, setAttr } from './dom';
import { formatCount } from './format';

const SEGMENTS = ['succeeded', 'skipped', 'rolledBack', 'cancelled', 'failed'] as const;

/** How many items of an operation are done, whatever their outcome. */
export function doneCount(counts: ItemCounts): number {
  return SEGMENTS.reduce((sum, state) => sum + counts[state], 0);
}

/**
 * A bar split by outcome, so failures show as they happen. Widths are set through the
 * style object, which the page's CSP allows, unlike style attributes in markup.
 */
export class ProgressBar {
  readonly element: HTMLElement;
  private readonly segments: Record<(typeof SEGMENTS)[number], HTMLElement>;
  private readonly widths = new Map<string, string>();

  constructor(label: string) {
    this.segments = Object.fromEntries(
      SEGMENTS.map((state) => [state, el('span', { className: `segment state-${state}` })]),
    ) as Record<(typeof SEGMENTS)[number], HTMLElement>;
    this.element = el(
      'div',
      { className: 'progress', attrs: { role: 'progressbar', 'aria-label': label } },
      ...SEGMENTS.map((state) => this.segments[state]),
    );
    setAttr(this.element, 'aria-valuemin', '0');
  }

  update(total: number, counts: ItemCounts): void {
    const done = doneCount(counts);
    setAttr(this.element, 'aria-valuemax', String(total));
    setAttr(this.element, 'aria-valuenow', String(done));
    setAttr(
      this.element,
      'aria-valuetext',
      `${formatCount(done)} of ${formatCount(total)} done, ${formatCount(counts.failed)} failed`,
    );

    for (const state of SEGMENTS) {
      const width = total > 0 ? `${((counts[state] / total) * 100).toFixed(2)}%` : '0%';
      if (this.widths.get(state) !== width) {
        this.widths.set(state, width);
        this.segments[state].style.width = width;
      }
    }
  }
}
