import assert from 'node:assert/strict';
import type { SnapshotMessage } from '../../src/extension/panel/panelProtocol';
import { active, item, items, itemsMessage, pages, past } from './fixtures';
import { bigScene, card, rowNames, scene, text, usePanelPages } from './panelSuite';

describe("The Operations panel's item list", function () {
  const { open, openWith } = usePanelPages(this);

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
});
