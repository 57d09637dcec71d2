import type { ItemState } from '../../../src/extension/panel/panelProtocol';

/** The panel's tabs. */
export type TabId = 'operations' | 'history' | 'performance';

/** Which rows the items list shows: one item state, or all. */
export type StateFilter = ItemState | 'all';

/** What the page keeps in VS Code's webview state, to look the same after a reload. */
export interface SavedState {
  readonly tab: TabId;
  readonly selectedOperationId?: string;
  readonly stateFilter: StateFilter;
  readonly search: string;
}

const TABS: readonly string[] = ['operations', 'history', 'performance'];
const FILTERS: readonly string[] = [
  'all', 'queued', 'running', 'succeeded', 'skipped', 'failed', 'cancelled', 'rolledBack',
];

/** Reads saved state defensively: an older page version may have saved something else. */
export function readSavedState(raw: unknown): SavedState {
  const saved = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const pick = (value: unknown, allowed: readonly string[], fallback: string): string =>
    typeof value === 'string' && allowed.includes(value) ? value : fallback;
  const selected = saved.selectedOperationId;

  return {
    tab: pick(saved.tab, TABS, 'operations') as TabId,
    stateFilter: pick(saved.stateFilter, FILTERS, 'all') as StateFilter,
    search: typeof saved.search === 'string' ? saved.search.slice(0, 200) : '',
    ...(typeof selected === 'string' && selected.length > 0 && selected.length <= 128
      ? { selectedOperationId: selected }
      : {}),
  };
}
