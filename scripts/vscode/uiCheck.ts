// A check driven through the real workbench, as a person would: it opens the Explorer's
// Containers view on a sandbox of ten running containers, selects three (click, Ctrl+click),
// chooses Stop from the context menu, and checks with the engine that exactly those three
// stopped. The screenshot goes to test-artifacts/ui-tree.png. Exit code 0 or 1.
//
//   tsx scripts/vscode/uiCheck.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type Dockerode from 'dockerode';
import type { Locator, Page } from 'playwright-core';

import { startSandbox, type DockerSandbox } from '../sandbox/dockerSandbox';
import { openWorkbench } from './runExtensionTests';
import { serve } from './serve';
import { runScript } from './runScript';
import {
  REPO,
  STEP_TIMEOUT_MS,
  buildExtension,
  chooseFromContextMenu,
  openContainersView,
} from './workbenchSteps';

const SCREENSHOT = resolve(REPO, 'test-artifacts/ui-tree.png');
const PROJECT = 'ui-check';
const COUNT = 10;
const PICKED = [2, 5, 7];

async function main(): Promise<number> {
  buildExtension();
  const sandbox = await startSandbox({ name: 'ui-check' });
  const workspace = mkdtempSync(join(tmpdir(), 'stevedore-ui-check-'));
  try {
    const ids = await createRunning(sandbox);
    const served = await serve({
      extensionPath: REPO,
      workspace,
      env: { DOCKER_HOST: sandbox.dockerHost },
    });
    try {
      const workbench = await openWorkbench(served.server.url, workspace);
      try {
        return await drive(workbench.page, sandbox.docker, ids);
      } finally {
        await workbench.page.screenshot({ path: SCREENSHOT }).catch(() => undefined);
        await workbench.close();
      }
    } finally {
      await served.stop();
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    await sandbox.stop();
  }
}

async function drive(page: Page, docker: Dockerode, ids: readonly string[]): Promise<number> {
  const view = await openContainersView(page);

  // One compose project, so one group: expand it to show the containers.
  const group = view.locator('.monaco-list-row', { hasText: PROJECT }).first();
  await group.waitFor({ timeout: STEP_TIMEOUT_MS });
  if ((await group.getAttribute('aria-expanded')) !== 'true') await group.click();

  const rows = PICKED.map((i) => row(view, nameOf(i)));
  await rows[0]!.waitFor({ timeout: STEP_TIMEOUT_MS });
  await rows[0]!.click();
  for (const next of rows.slice(1)) await next.click({ modifiers: ['Control'] });
  await page.waitForFunction(
    (count) => document.querySelectorAll(
      '.monaco-list-row.selected[aria-label*="ui-check-"]').length === count,
    PICKED.length,
    { timeout: STEP_TIMEOUT_MS },
  );

  await rows.at(-1)!.click({ button: 'right' });
  await chooseFromContextMenu(page, /^Stop$/);

  const expected = ids.map((_, i) => (PICKED.includes(i) ? 'exited' : 'running'));
  const states = await waitForStates(docker, ids, expected);
  await row(view, nameOf(PICKED[0]!)).locator('.codicon-vm-outline')
    .waitFor({ timeout: STEP_TIMEOUT_MS });

  // The progress notification closes when the operation ends; let the screenshot show that.
  await page.locator('.notification-toast').first()
    .waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);

  const ok = states.every((state, i) => state === expected[i]);
  process.stdout.write(`${ok ? 'ok' : 'FAILED'}: states after Stop on ` +
    `${PICKED.map(nameOf).join(', ')}: ${states.join(' ')}\nscreenshot: ${SCREENSHOT}\n`);
  return ok ? 0 : 1;
}

function row(view: Locator, name: string): Locator {
  return view.locator(`.monaco-list-row[aria-label^="${name},"]`);
}

function nameOf(index: number): string {
  return `${PROJECT}-${index}`;
}

async function createRunning(sandbox: DockerSandbox): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const container = await sandbox.docker.createContainer({
      Image: sandbox.imageRef,
      name: nameOf(i),
      Labels: { 'com.docker.compose.project': PROJECT, 'com.docker.compose.service': 'app' },
      HostConfig: { NetworkMode: 'none', Init: true },
    });
    await container.start();
    ids.push(container.id);
  }
  return ids;
}

// The engine is the judge: poll it until the states settle on what is expected, or time out
// and report what it says then.
async function waitForStates(
  docker: Dockerode,
  ids: readonly string[],
  expected: readonly string[],
): Promise<string[]> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const states = await Promise.all(ids.map(async (id) =>
      (await docker.getContainer(id).inspect()).State.Status));
    if (states.every((s, i) => s === expected[i]) || Date.now() > deadline) return states;
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

if (require.main === module) {
  runScript('ui check', main);
}
