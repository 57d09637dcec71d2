import { el, setText } from './dom';

/**
 * A polite live region that tells the user when a request to the host failed. It stays in
 * the DOM while empty, since screen readers may miss a region that appears with its text.
 */
export class StatusLine {
  readonly element = el('div', {
    className: 'status-line',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });

  show(message: string): void {
    setText(this.element, message);
  }

  clear(): void {
    setText(this.element, '');
  }
}
