// Replays a 10,000-item operation into the Operations page at 10 Hz, as the host would send
// it (one snapshot, then coalesced progress deltas), and counts the page's long tasks against
// the same page idle for as long. A measurement, not a test: run `npx tsx bench/panel.ts`.
import type {
  HostToPageMessage,
  OperationItems,
} from '../src/extension/panel/panelProtocol';
import type { ItemRecord, ItemState } from '../src/engine/model/operation';
import { active, counts, item, snapshotWithItems } from '../test/webview-ui/fixtures';
import { launchChromium, PanelPage, servePanel } from '../test/webview-ui/pageHarness';
import { DARK } from '../test/webview-ui/themes';

/** What one replay measured. */
export interface PanelReplayResult {
  readonly items: number;
  readonly messages: number;
  /** Long tasks (each over 50 ms by definition) while the stream played. */
  readonly longTasksOver50ms: number;
  readonly maxLongTaskMs: number;
  /** Long tasks of the same page, idle, over the same time, in the same run. */
  readonly baselineLongTasks: number;
}

/** How big and how long a replay is. */
export interface PanelReplayOptions {
  readonly items?: number;
  readonly seconds?: number;
  readonly hz?: number;
}

/**
 * The host's messages for one operation that runs its items to the end over `ticks` ticks,
 * the snapshot's items in pages as the host sends them:
 * each tick finishes a share of the items (2% fail, 1% need nothing) and starts the next
 * share, so each delta carries about twice the share in changed items.
 */
export function replayStream(total: number, ticks: number): HostToPageMessage[] {
  const operationId = 'replay';
  const label = `${total} containers labelled tier=web`;
  const records: ItemRecord[] = Array.from({ length: total }, (_, i) => item(i, 'queued'));
  const tally = counts({ queued: total });
  const outcome = (i: number): ItemState =>
    i % 50 === 7 ? 'failed' : i % 100 === 11 ? 'skipped' : 'succeeded';
  // Records are replaced, never changed, as the engine's are, so sent pages stay as sent.
  const set = (i: number, state: ItemState, changed: Map<string, ItemRecord>): void => {
    tally[records[i]!.state] -= 1;
    tally[state] += 1;
    records[i] = item(i, state);
    changed.set(records[i]!.id, records[i]!);
  };

  const messages = snapshotWithItems(
    { active: [active(operationId, { total, counts: { ...tally } }, label)], history: [] },
    operationId,
    records,
  );
  const share = Math.ceil(total / ticks);
  for (let tick = 0; tick < ticks; tick++) {
    const changed = new Map<string, ItemRecord>();
    for (let i = (tick - 1) * share; i < Math.min(total, tick * share); i++) {
      if (i >= 0) {
        set(i, outcome(i), changed);
      }
    }
    for (let i = tick * share; i < Math.min(total, (tick + 1) * share); i++) {
      set(i, 'running', changed);
    }
    const elapsedMs = (tick + 1) * 100;
    const done = total - tally.queued - tally.running;
    const items: OperationItems = { operationId, items: [...changed.values()] };
    messages.push({
      type: 'progress',
      changed: [active(operationId, {
        total,
        counts: { ...tally },
        ratePerSecond: (done / elapsedMs) * 1000,
        elapsedMs,
        etaMs: done === 0 ? undefined : ((total - done) / done) * elapsedMs,
        concurrency: 32,
      }, label)],
      removed: [],
      items,
    });
  }
  return messages;
}

/** Runs one replay in Debian's headless Chromium and reports the long tasks it caused. */
export async function measurePanelReplay(
  options: PanelReplayOptions = {},
): Promise<PanelReplayResult> {
  const total = options.items ?? 10_000;
  const seconds = options.seconds ?? 10;
  const hz = options.hz ?? 10;
  const stream = replayStream(total, seconds * hz);

  const browser = await launchChromium();
  const server = await servePanel();
  try {
    // Framed as in VS Code: the page is a cross-site iframe, in a process of its own (Chromium
    // isolates sites by default), and messages come from its host frame.
    const panel = await PanelPage.open(browser, server, { theme: DARK, framed: true });
    const page = panel.frame;
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          w.longTasks.push(entry.duration);
        }
      }).observe({ type: 'longtask' });
    });
    const takeLongTasks = (): Promise<number[]> => page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      return w.longTasks.splice(0);
    });

    // The baseline: the loaded page, idle, as long as the replay will last.
    await panel.page.waitForTimeout(seconds * 1000);
    const baseline = await takeLongTasks();

    // The host frame sends, as VS Code's outer frame does, so its work is not counted.
    await panel.post(stream, 1000 / hz);
    await panel.settle();
    await panel.page.waitForTimeout(500);
    const during = await takeLongTasks();

    const shown = await page.locator('.shown-count').textContent();
    if (shown !== `Showing ${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`) {
      throw new Error(`The page did not show the replayed operation (it shows "${shown}")`);
    }

    return {
      items: total,
      messages: stream.length,
      longTasksOver50ms: during.length,
      maxLongTaskMs: Math.round(Math.max(0, ...during)),
      baselineLongTasks: baseline.length,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (require.main === module) {
  measurePanelReplay().then(
    (result) => console.log(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
