// A check of what a window reload does to a running operation, through the real workbench:
// on a sandbox of 60 running containers, half of which ignore SIGTERM, it stops the one
// compose project from the Containers view, opens the Operations panel, and runs "Developer:
// Reload Window" once a few containers have stopped. After the reload the panel's History
// must show the operation as Interrupted and offer Resume; the engine must show that the
// containers not yet reached still run and that nothing went on stopping them; Resume must
// then stop the rest, and the History must show the operation as Completed. The screenshot
// goes to test-artifacts/ui-reload.png. Exit code 0 or 1.
//
//   tsx scripts/vscode/uiReloadCheck.ts
import { resolve } from 'node:path';

import type { Page } from 'playwright-core';

import { runScript } from './runScript';
import {
  REPO,
  STEP_TIMEOUT_MS,
  actOnGroup,
  answerDialog,
  countOf,
  openOperationsPanel,
  pollUntil,
  readCount,
  runFromPalette,
  showPanelTab,
  splitByProject,
  statesOf,
  verdict,
  withWorkbench,
  type CheckContext,
} from './workbenchSteps';

const NAME = 'ui-reload';
const SCREENSHOT = resolve(REPO, 'test-artifacts/ui-reload.png');
const GRACE_SECONDS = 8;
const STOPS_IN_FLIGHT = 3;
// Reload once this many containers have stopped: the operation has begun and has far to go.
const STOPPED_BEFORE_RELOAD = 3;
const WORKBENCH_TIMEOUT_MS = 120_000;

async function main(): Promise<number> {
  return withWorkbench(
    {
      name: NAME,
      count: 60,
      screenshot: SCREENSHOT,
      settings: {
        'stevedore.stopGraceSeconds': GRACE_SECONDS,
        'stevedore.concurrency': { stop: STOPS_IN_FLIGHT },
      },
    },
    drive,
  );
}

async function drive({ sandbox, fleet, page }: CheckContext): Promise<number> {
  const docker = sandbox.docker;
  const { project, inProject, alone } = await splitByProject(docker, fleet);
  const fail = (what: string, lines: string[]): number =>
    verdict(`a reload interrupts the operation and Resume finishes it (${what})`, false, lines);

  await actOnGroup(page, project, /^Stop$/);
  await answerDialog(page, 'Stop');
  const before = await openOperationsPanel(page);
  const card = before.locator('article.card').first();
  await card.waitFor({ timeout: STEP_TIMEOUT_MS });
  const operationId = (await card.getAttribute('data-operation-id')) ?? '';

  const atReload = await pollUntil(
    () => statesOf(docker, inProject),
    (states) => countOf(states, 'exited') >= STOPPED_BEFORE_RELOAD,
  );
  if (countOf(atReload, 'running') <= STOPS_IN_FLIGHT) {
    return fail('too late to reload', [
      `engine before the reload: ${countOf(atReload, 'exited')} exited, ` +
        `${countOf(atReload, 'running')} running of ${inProject.length}`,
    ]);
  }
  await reloadWindow(page);
  const afterReload = await statesOf(docker, inProject);

  // The operation must come back as interrupted, not as running or cancelled.
  const frame = await openOperationsPanel(page);
  await showPanelTab(frame, 'history');
  const row = frame.locator(`tr[data-operation-id="${operationId}"]`);
  const status = row.locator('td[data-status]');
  await row.waitFor({ timeout: STEP_TIMEOUT_MS });
  const statusAfterReload = await status.getAttribute('data-status');
  if (statusAfterReload !== 'interrupted') {
    return fail('status', [`History shows the operation as ${statusAfterReload}, ` +
      'expected interrupted']);
  }
  await row.locator('button.link').click({ timeout: STEP_TIMEOUT_MS });
  const resume = frame.locator('vscode-button[data-action="resume"]');
  await resume.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });

  // Stops sent before the reload may still wait out their grace; past that, nothing may stop.
  await new Promise((wake) => setTimeout(wake, (GRACE_SECONDS + 2) * 1000));
  const beforeResume = await statesOf(docker, inProject);
  const stoppedMeanwhile = countOf(afterReload, 'running') - countOf(beforeResume, 'running');

  await resume.click({ timeout: STEP_TIMEOUT_MS });
  const finished = await pollUntil(
    () => statesOf(docker, inProject),
    (states) => countOf(states, 'exited') === inProject.length,
  );
  const statusAtEnd = await pollUntil(
    () => status.getAttribute('data-status'),
    (s) => s === 'completed' || s === 'failed' || s === 'cancelled',
  );
  const cells = await row.locator('td').allTextContents();
  const [succeeded, skipped, failed, cancelled] = cells.slice(3, 7).map(readCount);
  const others = await statesOf(docker, alone);

  const checks: [boolean, string][] = [
    [true, `engine at the reload: ${countOf(atReload, 'exited')} exited of ${inProject.length}`],
    [true, 'History after the reload: interrupted, with Resume offered'],
    [countOf(beforeResume, 'running') > 0 && stoppedMeanwhile <= STOPS_IN_FLIGHT,
      `engine after the reload, before Resume: ${countOf(beforeResume, 'running')} still ` +
        `running; ${stoppedMeanwhile} stopped after the reload (at most ${STOPS_IN_FLIGHT} ` +
        'sent before it may)'],
    [countOf(finished, 'exited') === inProject.length,
      `engine after Resume: ${countOf(finished, 'exited')} exited of ${inProject.length}`],
    [statusAtEnd === 'completed', `History shows the operation at the end as: ${statusAtEnd}`],
    [(succeeded ?? 0) + (skipped ?? 0) === inProject.length && failed === 0 && cancelled === 0,
      `History row: ${succeeded} succeeded, ${skipped} skipped, ${failed} failed, ` +
        `${cancelled} cancelled`],
    [countOf(others, 'running') === alone.length,
      `containers outside the project still running: ${countOf(others, 'running')} of ` +
        `${alone.length}`],
  ];
  const ok = checks.every(([passed]) => passed);
  return verdict('a reload interrupts the operation and Resume finishes it', ok, [
    ...checks.map(([passed, line]) => `${passed ? '' : 'WRONG: '}${line}`),
    `screenshot: ${SCREENSHOT}`,
  ]);
}

// "Developer: Reload Window" from the palette, as a person would; it loads the page anew,
// so wait for the new page's workbench, not the old one's.
async function reloadWindow(page: Page): Promise<void> {
  page.on('dialog', (dialog) => void dialog.accept());
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: WORKBENCH_TIMEOUT_MS,
  });
  await runFromPalette(page, 'Developer: Reload Window');
  await navigated;
  await page.waitForLoadState('load', { timeout: WORKBENCH_TIMEOUT_MS });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({
    state: 'visible',
    timeout: WORKBENCH_TIMEOUT_MS,
  });
}

if (require.main === module) {
  runScript('ui reload check', main);
}
