// A check of the Operations panel through the real workbench: on a sandbox of 60 running
// containers, half of which ignore SIGTERM, it stops the one compose project from the
// Containers view (two stops at a time, each waiting out a 10 s grace), opens the panel,
// watches the running operation's card count up, presses its Cancel button, and checks with
// the engine that the containers not yet reached still run and that the panel's History
// shows the operation as Cancelled with the engine's figures. Screenshots go to
// test-artifacts/ui-panel-running.png and ui-panel.png. Exit code 0 or 1.
//
//   tsx scripts/vscode/uiPanelCheck.ts
import { resolve } from 'node:path';

import type { FrameLocator } from 'playwright-core';

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
  showPanelTab,
  splitByProject,
  statesOf,
  verdict,
  withWorkbench,
  type CheckContext,
} from './workbenchSteps';

const NAME = 'ui-panel';
const SCREENSHOT = resolve(REPO, 'test-artifacts/ui-panel.png');
const GRACE_SECONDS = 10;
const STOPS_IN_FLIGHT = 2;
// How often the succeeded count must move before Cancel: proof that the card follows along.
const MOVES_BEFORE_CANCEL = 2;
const SETTLE_MS = 4_000;
const RUNNING_SCREENSHOT = resolve(REPO, 'test-artifacts/ui-panel-running.png');

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

  await actOnGroup(page, project, /^Stop$/);
  const asked = await answerDialog(page, 'Stop');
  const frame = await openOperationsPanel(page);

  const card = frame.locator('article.card').first();
  await card.waitFor({ timeout: STEP_TIMEOUT_MS });
  const operationId = (await card.getAttribute('data-operation-id')) ?? '';
  const seen = await watchSucceeded(frame, operationId);
  const moved = new Set(seen).size - 1;
  if (moved < MOVES_BEFORE_CANCEL) {
    return verdict('the panel follows a running operation', false, [
      `succeeded counts seen on the card: ${seen.join(' ')} (wanted ${MOVES_BEFORE_CANCEL} ` +
        'changes while it ran)',
    ]);
  }

  await page.screenshot({ path: RUNNING_SCREENSHOT, timeout: 10_000 }).catch(() => undefined);
  const atCancel = countOf(await statesOf(docker, inProject), 'exited');
  await card.locator('vscode-button[data-action="cancel"]').click({ timeout: STEP_TIMEOUT_MS });

  // The operation ends once the stops already sent return; then it moves to the History tab.
  await showPanelTab(frame, 'history');
  const row = frame.locator(`tr[data-operation-id="${operationId}"]`);
  const status = row.locator('td[data-status]');
  const shown = await pollUntil(
    async () => (await status.count()) > 0 ? await status.getAttribute('data-status') : null,
    (s) => s !== null && s !== 'running' && s !== 'queued',
  );
  const cells = await row.locator('td').allTextContents();
  const [succeeded, , failed, cancelled] = cells.slice(3, 7).map(readCount);

  // Nothing may stop after the end; a container that honours SIGTERM stops within a second
  // or two, so a few seconds show whether the operation went on dispatching.
  await new Promise((wake) => setTimeout(wake, SETTLE_MS));
  const states = await statesOf(docker, inProject);
  const others = await statesOf(docker, alone);
  const exited = countOf(states, 'exited');
  const running = countOf(states, 'running');

  const checks: [boolean, string][] = [
    [/^Stop \d+ containers\?$/.test(asked.trim()), `dialog asked: ${asked.trim()}`],
    [true, `succeeded counts seen before Cancel: ${seen.join(' ')}`],
    [shown === 'cancelled', `History shows the operation as: ${shown ?? 'nothing'}`],
    [running > 0 && exited >= atCancel && exited + running === inProject.length,
      `engine after Cancel: ${exited} exited, ${running} running of ${inProject.length} in ` +
        `${project} (${atCancel} had exited when Cancel was pressed)`],
    [succeeded === exited && cancelled === running && failed === 0,
      `History row: ${succeeded} succeeded, ${failed} failed, ${cancelled} cancelled`],
    [countOf(others, 'running') === alone.length,
      `containers outside the project still running: ${countOf(others, 'running')} of ` +
        `${alone.length}`],
  ];
  const ok = checks.every(([passed]) => passed);
  return verdict('Cancel in the Operations panel stops the operation', ok, [
    ...checks.map(([passed, line]) => `${passed ? '' : 'WRONG: '}${line}`),
    `screenshots: ${RUNNING_SCREENSHOT} (running), ${SCREENSHOT} (after)`,
  ]);
}

// Reads the card's succeeded figure until it has moved often enough, the card leaves the
// list (the operation ended before Cancel could be tried) or the time is up.
async function watchSucceeded(frame: FrameLocator, operationId: string): Promise<number[]> {
  const card = frame.locator(`article.card[data-operation-id="${operationId}"]`);
  const figure = card.locator('[data-figure="succeeded"] .figure-value');
  const seen: number[] = [];
  await pollUntil(
    async () => {
      if ((await card.count()) === 0) return true;
      const value = readCount(await figure.textContent({ timeout: 10_000 }));
      if (value !== undefined && value !== seen.at(-1)) seen.push(value);
      return false;
    },
    (gone) => gone || new Set(seen).size > MOVES_BEFORE_CANCEL,
  );
  return seen;
}

if (require.main === module) {
  runScript('ui panel check', main);
}
