// Steps a person takes in the workbench, shared by the UI checks: open the Containers view,
// choose from a context menu, answer a dialog, run a command from the palette, and reach the
// page inside the Operations panel. Also the fixture that starts a sandbox engine with a
// fleet, code-server with the extension, and a browser on the workbench.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type Dockerode from 'dockerode';
import type { FrameLocator, Locator, Page } from 'playwright-core';

import { COMPOSE_PROJECT_LABEL } from '../../src/engine/model/container';
import { startSandbox, type DockerSandbox } from '../sandbox/dockerSandbox';
import { createFleet, startContainers, type FleetContainer } from '../sandbox/fleet';
import { openWorkbench } from './runExtensionTests';
import { serve } from './serve';

export const REPO = resolve(__dirname, '../..');
/**
 * Generous: on a loaded two-core machine a stop that waits out SIGTERM and the view's refresh
 * after it can take minutes; the checks are about what happens, not how fast.
 */
export const STEP_TIMEOUT_MS = 180_000;
const INSPECT_TIMEOUT_MS = 30_000;
const PALETTE_RETRY_MS = 5_000;

/** What a check gets: the engine, the fleet on it and the workbench page. */
export interface CheckContext {
  readonly sandbox: DockerSandbox;
  readonly fleet: readonly FleetContainer[];
  readonly page: Page;
}

/** The sandbox, fleet and workspace settings a check runs with. */
export interface CheckSetup {
  /** Sandbox name and fleet prefix. */
  readonly name: string;
  readonly count: number;
  /** Written to the workspace's .vscode/settings.json. */
  readonly settings: Record<string, unknown>;
  /** Where the screenshot goes, taken whatever the outcome. */
  readonly screenshot: string;
}

/**
 * Builds the extension, starts a throwaway engine with a running fleet (one compose project
 * and a few stand-alone containers, half of them ignoring SIGTERM), serves the extension in
 * code-server, opens the workbench, runs `drive` and cleans everything up.
 */
export async function withWorkbench(
  setup: CheckSetup,
  drive: (context: CheckContext) => Promise<number>,
): Promise<number> {
  buildExtension();
  const sandbox = await startSandbox({ name: setup.name });
  const workspace = mkdtempSync(join(tmpdir(), `stevedore-${setup.name}-`));
  try {
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, '.vscode', 'settings.json'),
      JSON.stringify(setup.settings, null, 2));
    const fleet = await createFleet(sandbox.docker, {
      count: setup.count,
      image: sandbox.imageRef,
      prefix: setup.name,
      groups: 1,
    });
    await startContainers(sandbox.docker, fleet.map((c) => c.id));

    const served = await serve({
      extensionPath: REPO,
      workspace,
      env: { DOCKER_HOST: sandbox.dockerHost },
    });
    try {
      const workbench = await openWorkbench(served.server.url, workspace);
      try {
        return await drive({ sandbox, fleet, page: workbench.page });
      } finally {
        await workbench.page.screenshot({ path: setup.screenshot, timeout: 10_000 })
          .catch(() => undefined);
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

/** The ids of the fleet's containers in its one compose project, and of the others. */
export async function splitByProject(
  docker: Dockerode,
  fleet: readonly FleetContainer[],
): Promise<{ project: string; inProject: string[]; alone: string[] }> {
  const labels = await Promise.all(fleet.map(async (c) =>
    (await docker.getContainer(c.id).inspect({ abortSignal: deadline() })).Config.Labels));
  const projects = new Set(labels.map((l) => l[COMPOSE_PROJECT_LABEL]).filter(Boolean));
  if (projects.size !== 1) {
    throw new Error(`Expected the fleet to have one compose project, got ${projects.size}`);
  }
  const project = [...projects][0]!;
  const inProject = fleet.filter((_, i) => labels[i]![COMPOSE_PROJECT_LABEL] === project);
  const alone = fleet.filter((_, i) => labels[i]![COMPOSE_PROJECT_LABEL] !== project);
  return { project, inProject: inProject.map((c) => c.id), alone: alone.map((c) => c.id) };
}

/** The engine's state of each container ("running", "exited", ...), in order. */
export function statesOf(docker: Dockerode, ids: readonly string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) =>
    (await docker.getContainer(id).inspect({ abortSignal: deadline() })).State.Status));
}

/** How many of `states` equal `state`. */
export function countOf(states: readonly string[], state: string): number {
  return states.filter((s) => s === state).length;
}

/**
 * Polls `probe` every 250 ms until `done` accepts its value or the time is up; returns the
 * last value either way, so the caller reports what it saw.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > end) return value;
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

// The Explorer shows several panes and renders only the rows that fit: the other panes are
// collapsed so the Containers view has the room.
export async function openContainersView(page: Page): Promise<Locator> {
  await page.keyboard.press('Control+Shift+E');
  const header = page.locator('.pane-header', { hasText: /^Containers/i }).first();
  await header.waitFor({ timeout: STEP_TIMEOUT_MS });
  const others = page.locator('.sidebar .pane-header[aria-expanded="true"]')
    .filter({ hasNotText: /^Containers/i });
  while ((await others.count()) > 0) await others.first().click();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return page.locator('.pane', { has: header });
}

/** Right-clicks the tree row of a compose project and chooses an action from its menu. */
export async function actOnGroup(page: Page, project: string, action: RegExp): Promise<void> {
  const view = await openContainersView(page);
  const group = view.locator('.monaco-list-row', { hasText: project }).first();
  await group.waitFor({ timeout: STEP_TIMEOUT_MS });
  await group.click({ button: 'right' });
  await chooseFromContextMenu(page, action);
}

// A click on a menu item that lands while the menu is still settling is sometimes taken as
// the end of the right-click and ignored, leaving the menu open: hover the item until the
// menu focuses it, then choose it with Enter, as a keyboard user would.
export async function chooseFromContextMenu(page: Page, label: RegExp): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-item', { hasText: label }).first();
  await item.hover({ timeout: STEP_TIMEOUT_MS });
  await menu.locator('.action-item.focused', { hasText: label })
    .waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
}

/** Presses the button labelled `label` in the modal dialog the workbench shows. */
export async function answerDialog(page: Page, label: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: STEP_TIMEOUT_MS });
  const message = (await dialog.locator('.dialog-message-text').textContent()) ?? '';
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${label}$`) }).click();
  await dialog.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  return message;
}

/**
 * Runs a command by its title from the command palette, as a person types it. Just after a
 * (re)load the palette can open before the extension's commands are registered, and it does
 * not add them while open: close it and type again, as a person would, until they show.
 */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
  const end = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${title}`);
    try {
      await row.first().waitFor({ timeout: PALETTE_RETRY_MS });
      break;
    } catch (error) {
      if (Date.now() > end) throw error;
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    }
  }
  await page.keyboard.press('Enter');
}

/**
 * The page inside the Operations panel. VS Code puts a webview's page in an iframe (class
 * "webview") whose own content is a nested iframe (#active-frame).
 */
export async function openOperationsPanel(page: Page): Promise<FrameLocator> {
  await runFromPalette(page, 'Stevedore: Show Operations');
  const frame = page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  await frame.locator('vscode-panels').waitFor({ timeout: STEP_TIMEOUT_MS });
  return frame;
}

/** Switches the panel to one of its tabs: operations, history or performance. */
export async function showPanelTab(
  frame: FrameLocator,
  tab: 'operations' | 'history' | 'performance',
): Promise<void> {
  await frame.locator(`vscode-panel-tab#tab-${tab}`).click({ timeout: STEP_TIMEOUT_MS });
  await frame.locator(`vscode-panel-view#view-${tab}`)
    .waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
}

/** Reads a whole number the panel shows, such as "1,234"; undefined when it shows none. */
export function readCount(text: string | null): number | undefined {
  const digits = (text ?? '').replace(/[^\d]/g, '');
  return digits === '' ? undefined : Number(digits);
}

/** Prints the check's verdict line and returns its exit code. */
export function verdict(name: string, ok: boolean, lines: readonly string[]): number {
  process.stdout.write(`${ok ? 'ok' : 'FAILED'}: ${name}\n` +
    lines.map((line) => `  ${line}\n`).join(''));
  return ok ? 0 : 1;
}

function deadline(): AbortSignal {
  return AbortSignal.timeout(INSPECT_TIMEOUT_MS);
}

/** Bundles the extension as the checks load it, and makes the screenshots' folder. */
export function buildExtension(): void {
  mkdirSync(resolve(REPO, 'test-artifacts'), { recursive: true });
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`node esbuild.mjs failed with ${built.status}`);
}
