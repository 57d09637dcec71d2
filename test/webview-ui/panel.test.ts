import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import type {
  HostToPageMessage,
  SnapshotMessage,
} from '../../src/extension/panel/panelProtocol';
import {
  active,
  counts,
  item,
  items,
  itemsMessage,
  pages,
  past,
  perf,
  snapshotWithItems,
} from './fixtures';
import { launchChromium, PanelPage, servePanel, type PanelServer } from './pageHarness';
import { DARK, HIGH_CONTRAST, LIGHT } from './themes';

const ARTIFACTS = 'test-artifacts';

/** Two active operations (the first selected, with 300 items) and two past ones. */
function scene(): SnapshotMessage {
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
function bigScene(): HostToPageMessage[] {
  const all = items(10_000, (i) => (i % 10 === 0 ? 'failed' : i < 5000 ? 'succeeded' : 'queued'));
  const view = active('big', { total: 10_000, counts: counts({ succeeded: 4500, failed: 1000 }) });
  return snapshotWithItems({ active: [view], history: [] }, 'big', all);
}

describe('The Operations panel page', function () {
  this.timeout(60_000);
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

  function card(operationId: string): string {
    return `[data-operation-id="${operationId}"]`;
  }

  async function text(page: PanelPage, selector: string): Promise<string> {
    return (await page.page.locator(selector).first().textContent()) ?? '';
  }

  /** Visible rows of the items list, as their name cells read. */
  async function rowNames(page: PanelPage): Promise<string[]> {
    return page.page.$$eval(
      '.virtual-spacer .item-row:not([hidden]) .cell-name',
      (cells) => cells.map((c) => c.textContent ?? ''),
    );
  }

  it('says ready once loaded and posts nothing else before a snapshot', async () => {
    const page = await open();

    assert.deepEqual(await page.posted(), [{ type: 'ready' }]);
  });

  it('renders a running operation from one snapshot', async () => {
    const page = await openWith();

    assert.equal(await text(page, `${card('op-1')} .card-title`), 'Stop · compose project shop');
    assert.equal(await text(page, `${card('op-1')} .card-status`), 'Running');
    const figure = (name: string): Promise<string> =>
      text(page, `${card('op-1')} [data-figure="${name}"] .figure-value`);
    assert.equal(await figure('targets'), '100');
    assert.equal(await figure('succeeded'), '40');
    assert.equal(await figure('failed'), '2');
    assert.equal(await figure('remaining'), '58');
    assert.equal(await figure('rate'), '12.5/s');
    assert.equal(await figure('elapsed'), '3.4 s');
    assert.equal(await figure('eta'), '4.6 s');
    assert.equal(await figure('concurrency'), '8');
    const bar = page.page.locator(`${card('op-1')} [role="progressbar"]`);
    assert.equal(await bar.getAttribute('aria-valuenow'), '42');
    assert.equal(await bar.getAttribute('aria-valuemax'), '100');
    assert.equal(await text(page, '#tab-operations .badge'), '2');
    assert.equal(await text(page, '.items-heading'), 'Containers of Stop · compose project shop');
  });

  it('posts cancel with the operation id when Cancel is clicked', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-1')} .actions [data-action="cancel"]`);

    const message = await page.lastPosted();
    assert.equal(message?.type, 'cancel');
    assert.equal(message?.operationId, 'op-1');
    assert.equal(typeof message?.id, 'string');
  });

  it('keeps a button disabled until the host answers its request', async () => {
    const page = await openWith();
    const cancel = page.page.locator(`${card('op-1')} .actions [data-action="cancel"]`);

    await cancel.click();
    const disabledWhileWaiting = await cancel.evaluate((b) => (b as HTMLButtonElement).disabled);
    const request = await page.lastPosted();
    await page.send({ type: 'result', id: request?.id, ok: true });

    assert.equal(disabledWhileWaiting, true);
    assert.equal(await cancel.evaluate((b) => (b as HTMLButtonElement).disabled), false);
  });

  it('posts a retry of every failed item when Retry all failed is clicked', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-1')} [data-action="retry-failed"]`);

    const message = await page.lastPosted();
    assert.equal(message?.type, 'retry');
    assert.equal(message?.operationId, 'op-1');
    assert.equal('itemIds' in (message ?? {}), false);
  });

  it('posts a retry of one item when the Retry button of its row is clicked', async () => {
    const page = await openWith();
    const row = page.page.locator('.virtual-spacer .item-row', { hasText: 'web-00013' });

    await row.locator('[data-action="retry-item"]').click();

    const message = await page.lastPosted();
    assert.equal(message?.type, 'retry');
    assert.equal(message?.operationId, 'op-1');
    assert.deepEqual(message?.itemIds, [item(13, 'failed').id]);
  });

  it('offers Retry only on failed rows', async () => {
    const page = await openWith();

    const retryable = await page.page.$$eval(
      '.virtual-spacer .item-row:not([hidden])',
      (rows) => rows.map((r) => [
        r.querySelector('.cell-state')?.textContent,
        !(r.querySelector('[data-action="retry-item"]') as HTMLElement).hidden,
      ]),
    );

    assert.ok(retryable.length > 0);
    for (const [state, shown] of retryable) {
      assert.equal(shown, state === 'Failed', `${state} row`);
    }
  });

  it('posts a roll back when Roll back is clicked', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-1')} .actions [data-action="rollback"]`);

    const message = await page.lastPosted();
    assert.equal(message?.type, 'rollback');
    assert.equal(message?.operationId, 'op-1');
  });

  it('shows the failure guard and posts the decision that was clicked', async () => {
    const page = await openWith();
    const guard = page.page.locator(`${card('op-2')} .banner-guard`);

    assert.equal(await guard.isVisible(), true);
    assert.match(await guard.textContent() ?? '', /12% of items failed \(threshold 10%\)/);
    assert.equal(await page.page.locator(`${card('op-1')} .banner-guard`).isVisible(), false);
    const decisions: unknown[] = [];
    for (const decision of ['continue', 'cancel', 'rollback']) {
      await guard.locator(`[data-action="decide-${decision}"]`).click();
      const message = await page.lastPosted();
      decisions.push([message?.type, message?.operationId, message?.decision]);
      await page.send({ type: 'result', id: message?.id, ok: true });
    }

    assert.deepEqual(decisions, [
      ['decide', 'op-2', 'continue'],
      ['decide', 'op-2', 'cancel'],
      ['decide', 'op-2', 'rollback'],
    ]);
  });

  it('shows a banner while the engine is not answering, and drops it when it answers', async () => {
    const page = await openWith();
    const banner = page.page.locator(`${card('op-1')} .banner-engine`);
    const view = (engineProblem?: string): HostToPageMessage => ({
      type: 'progress',
      changed: [active('op-1', engineProblem ? { engineProblem } : {}, 'compose project shop')],
      removed: [],
    });

    await page.send(view('no answer from unix:///var/run/docker.sock for 30 s'));
    const shown = await banner.isVisible();
    const message = await banner.textContent();
    await page.send(view());

    assert.equal(shown, true);
    assert.match(message ?? '', /not answering: no answer from unix/);
    assert.equal(await banner.isVisible(), false);
  });

  it('shows one line per engine for an operation that spans several', async () => {
    const hosts = [
      {
        host: 'unix:///run/a.sock', total: 60, counts: counts({ succeeded: 30, queued: 30 }),
        ratePerSecond: 10, concurrency: 8,
      },
      {
        host: 'tcp://build-2:2376', total: 40, counts: counts({ succeeded: 10, failed: 3 }),
        ratePerSecond: 0, concurrency: 1, engineProblem: 'no answer for 30 s',
      },
      {
        host: 'tcp://build-3:2376', total: 0, counts: counts(), ratePerSecond: 0,
        concurrency: 0, guardReason: '3 of 4 failed',
      },
    ];
    const page = await openWith({
      type: 'snapshot', active: [active('op-1', { hosts })], history: [],
    });
    const line = (host: string, part: string): Promise<string> =>
      text(page, `${card('op-1')} .host-line[data-host="${host}"] .host-${part}`);

    const shown = await page.page.$$eval(`${card('op-1')} .host-line`,
      (lines) => lines.map((l) => l.getAttribute('data-host')));
    assert.deepEqual(shown, hosts.map((h) => h.host));
    assert.equal(await line('unix:///run/a.sock', 'name'), 'unix:///run/a.sock');
    assert.equal(await line('unix:///run/a.sock', 'counts'), '30 of 60');
    assert.equal(await line('unix:///run/a.sock', 'rate'), '10/s');
    assert.equal(await line('unix:///run/a.sock', 'concurrency'), '8 in flight');
    assert.equal(await line('tcp://build-2:2376', 'counts'), '13 of 40 · 3 failed');
    assert.equal(await line('tcp://build-2:2376', 'problem'),
      'Not answering: no answer for 30 s');
    assert.equal(await line('tcp://build-3:2376', 'problem'),
      'Held by the failure guard: 3 of 4 failed');
    assert.equal(await page.page.locator(
      `${card('op-1')} .host-line[data-host="unix:///run/a.sock"] .host-problem`).isVisible(),
    false);
    const bar = page.page.locator(
      `${card('op-1')} .host-line[data-host="unix:///run/a.sock"] [role="progressbar"]`);
    assert.equal(await bar.getAttribute('aria-valuenow'), '30');
  });

  it('updates engine lines in place and hides them for an operation on one engine', async () => {
    const share = (host: string, succeeded: number) => ({
      host, total: 10, counts: counts({ succeeded }), ratePerSecond: 1, concurrency: 2,
    });
    const page = await openWith({
      type: 'snapshot',
      active: [active('op-1', { hosts: [share('a', 1), share('b', 2)] })],
      history: [],
    });
    const lines = page.page.locator(`${card('op-1')} .host-lines`);
    const before = await page.page.locator(`${card('op-1')} .host-line[data-host="a"]`)
      .elementHandle();

    await page.send({
      type: 'progress', changed: [active('op-1', { hosts: [share('a', 5), share('b', 2)] })],
      removed: [],
    });
    const after = await page.page.locator(`${card('op-1')} .host-line[data-host="a"]`)
      .elementHandle();
    const same = await page.page.evaluate(([x, y]) => x === y, [before, after]);
    const updated = await text(page, `${card('op-1')} .host-line[data-host="a"] .host-counts`);
    await page.send({
      type: 'progress', changed: [active('op-1', { hosts: [share('a', 6)] })], removed: [],
    });

    assert.equal(same, true);
    assert.equal(updated, '5 of 10');
    assert.equal(await lines.isVisible(), false);
  });

  it('ignores a snapshot whose engine lines are malformed', async () => {
    const page = await openWith({ type: 'snapshot', active: [active('op-1')], history: [] });

    await page.send({
      type: 'progress',
      changed: [active('op-1', {
        hosts: [{ host: 'a', total: -1, counts: counts(), ratePerSecond: 0, concurrency: 0 }],
        total: 555,
      } as never)],
      removed: [],
    });

    assert.equal(await text(page, `${card('op-1')} [data-figure="targets"] .figure-value`), '100');
  });

  it('posts a new priority from the arrows and from a typed number', async () => {
    const page = await openWith();
    const priority = page.page.locator(`${card('op-2')} .priority`);

    await priority.locator('[data-action="priority-up"]').click();
    const up = await page.lastPosted();
    await page.send({ type: 'result', id: up?.id, ok: true });
    await priority.locator('[data-action="priority-down"]').click();
    const down = await page.lastPosted();
    await page.send({ type: 'result', id: down?.id, ok: true });
    const input = priority.locator('input');
    await input.fill('17');
    await input.press('Enter');
    const typed = await page.lastPosted();
    const before = (await page.posted()).length;
    await input.fill('lots');
    await input.press('Enter');
    // The toolkit's field copies its value to the inner input on its next update, not at once.
    const shown = await pollValue(() => input.inputValue(), '3');

    assert.deepEqual([up?.type, up?.operationId, up?.priority], ['setPriority', 'op-2', 4]);
    assert.deepEqual([down?.type, down?.priority], ['setPriority', 2]);
    assert.deepEqual(
      [typed?.type, typed?.operationId, typed?.priority],
      ['setPriority', 'op-2', 17],
    );
    assert.equal((await page.posted()).length, before, 'a word is not a priority');
    assert.equal(shown, '3');
  });

  it('shows why a request failed, as text', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-1')} .actions [data-action="cancel"]`);
    const request = await page.lastPosted();
    await page.send({
      type: 'result',
      id: request?.id,
      ok: false,
      error: { name: 'EngineError', code: 'TIMEOUT', message: 'no answer in <b>30 s</b>' },
    });

    assert.equal(await text(page, '.status-line'), 'Cancel failed: no answer in <b>30 s</b>');
    assert.equal(await page.page.locator('.status-line b').count(), 0);
  });

  it('applies progress deltas to the operation and to the listed items', async () => {
    const page = await openWith();

    await page.send({
      type: 'progress',
      changed: [active('op-1', { counts: counts({ succeeded: 90, failed: 10 }) }, 'shop')],
      removed: [],
      items: { operationId: 'op-1', items: [item(0, 'failed'), item(1, 'cancelled')] },
    });

    assert.equal(await text(page, `${card('op-1')} [data-figure="remaining"] .figure-value`), '0');
    assert.equal(await text(page, `${card('op-1')} .card-title`), 'Stop · shop');
    const first = await page.page.$$eval(
      '.virtual-spacer .item-row:not([hidden]) .cell-state',
      (cells) => cells.slice(0, 2).map((c) => c.textContent),
    );
    assert.deepEqual(first, ['Failed', 'Cancelled']);
  });

  it('drops an operation that left the active list and shows it in the history', async () => {
    const page = await openWith();

    await page.send(
      { type: 'progress', changed: [], removed: ['op-2'] },
      { type: 'history', history: [past('op-2', 'cancelled'), ...scene().history] },
    );

    assert.equal(await page.page.locator(card('op-2')).count(), 1, 'only its history row');
    assert.equal(await page.page.locator(`tr${card('op-2')}`).count(), 1);
    assert.equal(await text(page, '#tab-operations .badge'), '1');
    assert.equal(await text(page, '#tab-history .badge'), '3');
  });

  it('ignores malformed messages and keeps working after them', async () => {
    const page = await open();
    const warnings: string[] = [];
    page.page.on('console', (m) => {
      if (m.type() === 'warning') {
        warnings.push(m.text());
      }
    });
    const good = scene();
    const view = good.active[0]!;
    const withSnapshot = (change: object) => ({
      ...good,
      active: [{ ...view, snapshot: { ...view.snapshot, ...change } }],
    });
    const withItem = (bad: object) => ({
      ...good,
      selected: { ...good.selected!, items: [{ ...item(1, 'failed'), ...bad }] },
    });
    const bad: unknown[] = [
      null,
      'snapshot',
      42,
      { type: 'nonsense' },
      { type: 'snapshot' },
      withSnapshot({ total: -1 }),
      withSnapshot({ ratePerSecond: NaN }),
      withSnapshot({ kind: 'explode' }),
      withSnapshot({ operationId: 'x'.repeat(129) }),
      withSnapshot({ counts: { ...view.snapshot.counts, failed: 0.5 } }),
      withItem({ name: 7 }),
      withItem({ state: 'gone' }),
      withItem({ name: 'n'.repeat(513) }),
      withItem({ error: { name: 'E', code: 'X', message: 'no retryable flag' } }),
      { type: 'progress', changed: 'all', removed: [] },
      { ...itemsMessage('op-1', [item(2, 'queued')]), items: [item(2, 'queued'), { id: 'c1' }] },
      { ...itemsMessage('op-1', []), total: 1001, items: items(1001) },
      { ...itemsMessage('op-1', [item(2, 'queued')]), offset: -1 },
      { type: 'result', id: 5, ok: true },
      { type: 'perf', perf: { ...perf(), concurrencyLimit: Infinity } },
    ];

    await page.send(...bad);
    const afterBad = await page.page.locator('.card').count();
    await page.send(good);

    assert.equal(afterBad, 0, 'no malformed snapshot was applied');
    assert.equal(warnings.filter((w) => w.includes('malformed')).length, bad.length);
    assert.equal(await page.page.locator('.card').count(), 2);
    assert.equal((await rowNames(page))[0], 'web-00000');
  });

  it('keeps only a window of rows in the DOM for a 10,000-item operation', async () => {
    const page = await openWith(bigScene());

    const rowsInDom = await page.page.locator('.virtual-spacer .item-row').count();
    const names = await rowNames(page);

    assert.ok(rowsInDom < 80, `${rowsInDom} rows in the DOM`);
    assert.equal(names[0], 'web-00000');
    assert.equal(await page.page.getAttribute('.items-table', 'aria-rowcount'), '10001');
    assert.equal(await text(page, '.shown-count'), 'Showing 10,000 of 10,000');
  });

  it('scrolls to the last of 10,000 rows', async () => {
    const page = await openWith(bigScene());

    await page.page.locator('.virtual-rows').evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    await page.settle();

    const names = await rowNames(page);
    assert.ok(names.includes('web-09999'), `last rows: ${names.slice(-3).join(', ')}`);
    assert.ok(!names.includes('web-00000'));
    assert.ok(await page.page.locator('.virtual-spacer .item-row').count() < 80);
    const lastIndex = await page.page
      .locator('.virtual-spacer .item-row', { hasText: 'web-09999' })
      .getAttribute('aria-rowindex');
    assert.equal(lastIndex, '10001');
  });

  it('filters 10,000 rows by state', async () => {
    const page = await openWith(bigScene());

    await page.page.click('vscode-dropdown');
    await page.page.click('vscode-option[value="failed"]');
    await page.settle();

    assert.equal(await text(page, '.shown-count'), 'Showing 1,000 of 10,000');
    const states = await page.page.$$eval(
      '.virtual-spacer .item-row:not([hidden]) .cell-state',
      (cells) => [...new Set(cells.map((c) => c.textContent))],
    );
    assert.deepEqual(states, ['Failed']);
    assert.deepEqual((await rowNames(page)).slice(0, 2), ['web-00000', 'web-00010']);
    assert.equal((await page.savedState() as { stateFilter: string }).stateFilter, 'failed');
  });

  it('searches 10,000 rows by name', async () => {
    const page = await openWith(bigScene());

    await page.page.locator('.items .toolbar vscode-text-field input').fill('WEB-0999');
    await page.settle();

    assert.equal(await text(page, '.shown-count'), 'Showing 10 of 10,000');
    assert.deepEqual(await rowNames(page), Array.from({ length: 10 }, (_, i) => `web-0999${i}`));
  });

  it('shows hostile names, labels and errors as text, never as markup', async () => {
    const page = await open();
    let dialogs = 0;
    page.page.on('dialog', (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    const hostile = '<img src=x onerror=alert(1)>';
    const longName = `"quoted' ünïcödé 🐳 ${'x'.repeat(230)}`;
    const failed = item(0, 'failed', hostile);
    const snapshot: SnapshotMessage = {
      type: 'snapshot',
      active: [active('op-1', {}, '<script>alert(2)</script>')],
      history: [past('h-1', 'failed', 'stop', '<b onmouseover=alert(3)>bold</b>')],
      selected: pages('op-1', [
        { ...failed, error: { ...failed.error!, message: '<svg onload=alert(4)>' } },
        item(1, 'queued', longName),
      ])[0]!,
    };

    await page.send(snapshot);

    assert.deepEqual((await rowNames(page)).slice(0, 2), [hostile, longName]);
    assert.equal(await text(page, '.card-title'), 'Stop · <script>alert(2)</script>');
    assert.equal(await text(page, '.virtual-spacer .cell-message'), '<svg onload=alert(4)>');
    assert.equal(
      await text(page, '.history-table .link'),
      'Stop · <b onmouseover=alert(3)>bold</b>',
    );
    const injected = await page.page.evaluate(() =>
      document.querySelectorAll('img, svg:not(.chart-frame svg), b, script:not([src])').length);
    assert.equal(injected, 0);
    assert.equal(dialogs, 0);
  });

  it('selects an operation, asks for its items and remembers the choice', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-2')} .card-title`);
    await page.settle();
    const request = await page.lastPosted();
    const loading = await page.page.locator('.items .loading').isVisible();
    await page.send(
      itemsMessage('op-2', items(5, () => 'failed')),
      { type: 'result', id: request?.id, ok: true },
    );

    assert.deepEqual([request?.type, request?.operationId], ['selectOperation', 'op-2']);
    assert.equal(loading, true);
    assert.equal(await rowNames(page).then((n) => n.length), 5);
    const pressed = await page.page.getAttribute(`${card('op-2')} .card-title`, 'aria-pressed');
    assert.equal(pressed, 'true');
    assert.equal(
      (await page.savedState() as { selectedOperationId: string }).selectedOperationId,
      'op-2',
    );
  });

  it('ignores items that arrive for an operation no longer selected', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-2')} .card-title`);
    await page.send(itemsMessage('op-1', items(3)));

    assert.equal(await page.page.locator('.items .loading').isVisible(), true);
  });

  it('rebuilds itself from saved state and one snapshot when reopened', async () => {
    const page = await open({
      tab: 'history',
      selectedOperationId: 'h-1',
      stateFilter: 'failed',
      search: '',
    });
    const ready = (await page.posted())[0];
    const snapshot = scene();

    await page.send({
      ...snapshot,
      selected: pages('h-1', items(40, (i) => (i < 4 ? 'failed' : 'succeeded')))[0],
    });

    assert.deepEqual(ready, { type: 'ready', selectedOperationId: 'h-1' });
    assert.equal(await page.page.locator('#view-history').isVisible(), true);
    assert.equal(await page.page.locator('#view-history .items').isVisible(), true);
    assert.equal(await text(page, '.shown-count'), 'Showing 4 of 40');
    assert.equal(await text(page, '.detail-title'), 'Restart · label tier=db — Completed');
  });

  it('offers Re-run, Resume, Retry and Clear history for past operations', async () => {
    const page = await openWith();
    const history = page.page.locator('.history');
    await page.page.click('#tab-history');

    await page.page.locator('tr[data-operation-id="h-2"] .link').press('Enter');
    const select = await page.lastPosted();
    await page.send({ type: 'result', id: select?.id, ok: true });
    const resumeShown = await history.locator('[data-action="resume"]').isVisible();
    await history.locator('[data-action="resume"]').click();
    const resume = await page.lastPosted();
    await page.send({ type: 'result', id: resume?.id, ok: true });
    await history.locator('[data-action="rerun"]').click();
    const rerun = await page.lastPosted();
    await page.send({ type: 'result', id: rerun?.id, ok: true });
    await page.page.click('tr[data-operation-id="h-1"]');
    await page.settle();
    const resumeShownForCompleted = await history.locator('[data-action="resume"]').isVisible();
    await history.locator('[data-action="retry-failed"]').click();
    const retry = await page.lastPosted();
    await history.locator('[data-action="clear-history"]').click();
    const clear = await page.lastPosted();

    assert.deepEqual([select?.type, select?.operationId], ['selectOperation', 'h-2']);
    assert.equal(resumeShown, true);
    assert.deepEqual([resume?.type, resume?.operationId], ['resume', 'h-2']);
    assert.deepEqual([rerun?.type, rerun?.operationId], ['rerun', 'h-2']);
    assert.equal(resumeShownForCompleted, false);
    assert.deepEqual([retry?.type, retry?.operationId], ['retry', 'h-1']);
    assert.equal(clear?.type, 'clearHistory');
    assert.equal(typeof clear?.id, 'string');
  });

  it('reaches an action and the tabs with the keyboard', async () => {
    const page = await openWith();

    await page.page.locator(`${card('op-1')} .actions [data-action="cancel"]`).focus();
    await page.page.keyboard.press('Enter');
    const cancel = await page.lastPosted();
    await page.page.locator('#tab-operations').focus();
    await page.page.keyboard.press('ArrowRight');
    await page.settle();

    assert.deepEqual([cancel?.type, cancel?.operationId], ['cancel', 'op-1']);
    assert.equal(await page.page.locator('#view-history').isVisible(), true);
    assert.equal((await page.savedState() as { tab: string }).tab, 'history');
    assert.equal(await page.page.getAttribute('.virtual-rows', 'tabindex'), '0');
  });

  it('draws the performance monitor from a sample', async () => {
    const page = await openWith();

    await page.page.click('#tab-performance');
    await page.settle();

    const points = await page.page.getAttribute('.chart-line', 'points');
    assert.equal(points?.split(' ').length, 61);
    const figure = (name: string): Promise<string> => text(page, `dd[data-figure="${name}"]`);
    assert.equal(await figure('latency-p99'), '1.3 s');
    assert.equal(await figure('loop-p99'), '22 ms');
    assert.equal(await figure('heap'), '96 MiB');
    assert.equal(await figure('limit'), '32');
    assert.match(await page.page.getAttribute('.chart svg', 'aria-label') ?? '', /Throughput/);
  });

  it('styles the toolkit controls under the page CSP without one violation', async () => {
    const page = await openWith();

    await page.page.click(`${card('op-2')} .card-title`);
    await page.page.click('#tab-performance');
    await page.settle();

    assert.deepEqual(await page.violations(), []);
    const primary = await page.page
      .locator(`${card('op-2')} [data-action="decide-continue"]`)
      .evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(primary, 'rgb(0, 120, 212)', 'the theme reached the toolkit button');
  });

  for (const theme of [LIGHT, DARK, HIGH_CONTRAST]) {
    const name = theme.kind.replace('vscode-', '');
    it(`draws readably in the ${name} theme (screenshots in test-artifacts)`, async () => {
      const page = await openWith();

      await page.applyTheme(theme);
      await page.page.screenshot({ path: `${ARTIFACTS}/panel-operations-${name}.png` });
      await page.page.click('#tab-history');
      await page.page.click('tr[data-operation-id="h-1"]');
      await page.send(itemsMessage(
        'h-1',
        items(60, (i) => (i % 7 === 2 ? 'failed' : i % 9 === 4 ? 'skipped' : 'succeeded')),
      ));
      await page.page.screenshot({ path: `${ARTIFACTS}/panel-history-${name}.png` });
      await page.page.click('#tab-performance');
      await page.settle();
      await page.page.screenshot({ path: `${ARTIFACTS}/panel-performance-${name}.png` });

      const colours = await page.page.evaluate(() => [
        getComputedStyle(document.body).backgroundColor,
        getComputedStyle(document.body).color,
      ]);
      const expected = ['--vscode-editor-background', '--vscode-foreground']
        .map((name) => hexToRgb(theme.variables[name]));
      assert.deepEqual(colours, expected);
      assert.deepEqual(await page.violations(), []);
    });
  }
});

function hexToRgb(hex: string | undefined): string {
  const n = Number.parseInt((hex ?? '').slice(1, 7), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** Reads `read` until it gives `expected` or two seconds pass; returns the last reading. */
async function pollValue(read: () => Promise<string>, expected: string): Promise<string> {
  const end = Date.now() + 2_000;
  for (;;) {
    const value = await read();
    if (value === expected || Date.now() > end) return value;
    await new Promise((wake) => setTimeout(wake, 25));
  }
}
