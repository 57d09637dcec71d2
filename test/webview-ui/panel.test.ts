import assert from 'node:assert/strict';
import type { HostToPageMessage } from '../../src/extension/panel/panelProtocol';
import { active, counts, item, items, itemsMessage, past, perf } from './fixtures';
import { card, pollValue, rowNames, scene, text, usePanelPages } from './panelSuite';

describe('The Operations panel page', function () {
  const { open, openWith } = usePanelPages(this);

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
});
