// What the panel page tests share: the scenes they send, a browser and a page server per
// file, and small readers of what the page shows.
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import type {
  HostToPageMessage,
  SnapshotMessage,
} from '../../src/extension/panel/panelProtocol';
import { active, counts, items, pages, past, perf, snapshotWithItems } from './fixtures';
import { launchChromium, PanelPage, servePanel, type PanelServer } from './pageHarness';
import { DARK } from './themes';

export const ARTIFACTS = 'test-artifacts';

/** Two active operations (the first selected, with 300 items) and two past ones. */
export function scene(): SnapshotMessage {
  return {
    type: 'snapshot',
    active: [
      active('op-1', {}, 'compose project shop'),
      active('op-2', {
        kind: 'restart',
        status: 'guarded',
        priority: 3,
        guardReason: '12% of items failed (threshold 10%)',
      }),
    ],
    history: [past('h-1', 'completed', 'restart', 'label tier=db'), past('h-2', 'interrupted')],
    selected: pages(
      'op-1',
      items(300, (i) => (i % 10 === 3 ? 'failed' : i < 150 ? 'succeeded' : 'queued')),
    )[0]!,
    perf: perf(),
  };
}

/** Ten thousand items, every tenth failed, the first half succeeded, in ten pages. */
export function bigScene(): HostToPageMessage[] {
  const all = items(10_000, (i) => (i % 10 === 0 ? 'failed' : i < 5000 ? 'succeeded' : 'queued'));
  const view = active('big', { total: 10_000, counts: counts({ succeeded: 4500, failed: 1000 }) });
  return snapshotWithItems({ active: [view], history: [] }, 'big', all);
}

/** Opens panel pages in one Chromium for the calling suite; call it inside `describe`. */
export interface PanelPages {
  open(savedState?: unknown): Promise<PanelPage>;
  openWith(messages?: HostToPageMessage | HostToPageMessage[]): Promise<PanelPage>;
}

/**
 * Registers the suite's hooks: one browser and page server for all its tests, each test's
 * page closed after it.
 */
export function usePanelPages(suite: Mocha.Suite): PanelPages {
  suite.timeout(60_000);
  let browser: Browser;
  let server: PanelServer;
  let panel: PanelPage | undefined;

  before(async () => {
    browser = await launchChromium();
    server = await servePanel();
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    await panel?.close();
    panel = undefined;
  });

  async function open(savedState?: unknown): Promise<PanelPage> {
    panel = await PanelPage.open(browser, server, { theme: DARK, savedState });
    return panel;
  }

  async function openWith(
    messages: HostToPageMessage | HostToPageMessage[] = scene(),
  ): Promise<PanelPage> {
    const page = await open();
    await page.send(...[messages].flat());
    return page;
  }

  return { open, openWith };
}

/** The selector of an operation's card. */
export function card(operationId: string): string {
  return `[data-operation-id="${operationId}"]`;
}

/** The text of the first element `selector` matches, or "". */
export async function text(page: PanelPage, selector: string): Promise<string> {
  return (await page.page.locator(selector).first().textContent()) ?? '';
}

/** Visible rows of the items list, as their name cells read. */
export async function rowNames(page: PanelPage): Promise<string[]> {
  return page.page.$$eval(
    '.virtual-spacer .item-row:not([hidden]) .cell-name',
    (cells) => cells.map((c) => c.textContent ?? ''),
  );
}

export function hexToRgb(hex: string | undefined): string {
  const n = Number.parseInt((hex ?? '').slice(1, 7), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** Reads `read` until it gives `expected` or two seconds pass; returns the last reading. */
export async function pollValue(read: () => Promise<string>, expected: string): Promise<string> {
  const end = Date.now() + 2_000;
  for (;;) {
    const value = await read();
    if (value === expected || Date.now() > end) return value;
    await new Promise((wake) => setTimeout(wake, 25));
  }
}
