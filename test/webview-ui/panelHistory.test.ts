import assert from 'node:assert/strict';
import { items, itemsMessage } from './fixtures';
import { DARK, HIGH_CONTRAST, LIGHT } from './themes';
import { ARTIFACTS, card, hexToRgb, text, usePanelPages } from './panelSuite';

describe("The Operations panel's history, monitor and looks", function () {
  const { openWith } = usePanelPages(this);

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
