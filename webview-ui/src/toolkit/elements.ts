// Factories for the few controls the page uses. Only this folder knows they come from
// @vscode/webview-ui-toolkit (archived upstream), so another library can replace it here.
import { el } from '../views/dom';

/** A clickable control that can be disabled. */
export type ButtonElement = HTMLElement & { disabled: boolean };

/** A control holding a string value; it fires `input` and `change` events. */
export type ValueElement = HTMLElement & { value: string };

/** How prominent a button is. */
export type ButtonAppearance = 'primary' | 'secondary' | 'icon';

/** Options of a new button. */
export interface ButtonOptions {
  readonly appearance?: ButtonAppearance;
  /** Read by screen readers instead of the visible label, which may be a glyph. */
  readonly ariaLabel?: string;
  /** A name for tests and delegated handlers, stored as `data-action`. */
  readonly action?: string;
}

/** A button with a text label. */
export function createButton(label: string, options: ButtonOptions = {}): ButtonElement {
  const button = document.createElement('vscode-button') as ButtonElement;
  button.textContent = label;
  button.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.ariaLabel !== undefined) {
    button.setAttribute('aria-label', options.ariaLabel);
    button.title = options.ariaLabel;
  }
  if (options.action !== undefined) {
    button.dataset.action = options.action;
  }
  return button;
}

/** A one-line text field. */
export function createTextField(options: {
  readonly ariaLabel: string;
  readonly placeholder?: string;
  readonly value?: string;
  readonly maxLength?: number;
}): ValueElement {
  const field = document.createElement('vscode-text-field') as ValueElement;
  field.setAttribute('aria-label', options.ariaLabel);
  if (options.placeholder !== undefined) {
    field.setAttribute('placeholder', options.placeholder);
  }
  if (options.maxLength !== undefined) {
    field.setAttribute('maxlength', String(options.maxLength));
  }
  field.setAttribute('value', options.value ?? '');
  return field;
}

/** A choice of one value among labelled options. */
export function createDropdown(
  choices: readonly { readonly value: string; readonly label: string }[],
  options: { readonly ariaLabel: string; readonly value: string },
): ValueElement {
  const dropdown = document.createElement('vscode-dropdown') as ValueElement;
  dropdown.setAttribute('aria-label', options.ariaLabel);
  for (const choice of choices) {
    const option = el('vscode-option', {
      text: choice.label,
      attrs: { value: choice.value },
    });
    if (choice.value === options.value) {
      option.setAttribute('selected', '');
    }
    dropdown.append(option);
  }
  return dropdown;
}

/**
 * A small rounded count, styled as the toolkit's badge. Not `vscode-badge`: FAST parses that
 * element's template with a style attribute in it, which the page's CSP reports as a
 * violation on every load.
 */
export function createBadge(text: string): HTMLElement {
  return el('span', { className: 'badge', text });
}

/** A spinning indicator for work of unknown length. */
export function createProgressRing(ariaLabel: string): HTMLElement {
  return el('vscode-progress-ring', { attrs: { 'aria-label': ariaLabel } });
}

/** Tabs, each with a view; `onChange` reports the tab the user picked. */
export interface Tabs<Id extends string> {
  readonly element: HTMLElement;
  readonly views: Readonly<Record<Id, HTMLElement>>;
  /** The slot in each tab's title where a count can go. */
  readonly badges: Readonly<Record<Id, HTMLElement>>;
  activate(id: Id): void;
  onChange(listener: (id: Id) => void): void;
}

/** Creates tabs with the given ids and titles, the first one active. */
export function createTabs<Id extends string>(
  tabs: readonly { readonly id: Id; readonly title: string }[],
  ariaLabel: string,
): Tabs<Id> {
  const panels = el('vscode-panels', { attrs: { 'aria-label': ariaLabel } });
  const views = {} as Record<Id, HTMLElement>;
  const badges = {} as Record<Id, HTMLElement>;
  const tabIds = new Map<string, Id>();

  for (const tab of tabs) {
    const badge = createBadge('');
    badge.hidden = true;
    const tabId = `tab-${tab.id}`;
    tabIds.set(tabId, tab.id);
    panels.append(el('vscode-panel-tab', { attrs: { id: tabId } }, text(tab.title), badge));
    badges[tab.id] = badge;
  }
  for (const tab of tabs) {
    const view = el('vscode-panel-view', { attrs: { id: `view-${tab.id}` } });
    panels.append(view);
    views[tab.id] = view;
  }

  const active = (): string => (panels as HTMLElement & { activeid: string }).activeid;
  return {
    element: panels,
    views,
    badges,
    activate(id) {
      (panels as HTMLElement & { activeid: string }).activeid = `tab-${id}`;
    },
    onChange(listener) {
      panels.addEventListener('change', (event) => {
        // Fields inside the views fire `change` too, and it bubbles up to here.
        const id = tabIds.get(active());
        if (event.target === panels && id !== undefined) {
          listener(id);
        }
      });
    },
  };
}

function text(value: string): Text {
  return document.createTextNode(value);
}
