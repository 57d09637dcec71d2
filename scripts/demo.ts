// The demo: a throwaway Docker engine with a fleet in mixed states (a few running and paused,
// some exited, most created; compose projects with depends_on), and a real VS Code
// (code-server) on 127.0.0.1 with Stevedore loaded and DOCKER_HOST pointing at the fleet.
// It prints the address to open and runs until Ctrl-C, then stops and removes everything.
//
//   npm run demo -- [--containers N] [--port P] [--check]
//
// --check starts everything, opens the workbench in headless Chromium, waits until the
// Containers view shows every container, saves test-artifacts/demo.png and exits 0 or 1.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import type { Page } from 'playwright-core';

import { startSandbox, type DockerSandbox } from './sandbox/dockerSandbox';
import { createFleet, startContainers } from './sandbox/fleet';
import { openWorkbench } from './vscode/runExtensionTests';
import { serve, type Served } from './vscode/serve';

const REPO = resolve(__dirname, '..');
const SCREENSHOT = resolve(REPO, 'test-artifacts/demo.png');
const CHECK_TIMEOUT_MS = 120_000;
const BATCH = 16;
const REQUEST_TIMEOUT_MS = 60_000;

interface DemoArgs {
  readonly containers: number;
  readonly port?: number;
  readonly check: boolean;
}

async function main(): Promise<number> {
  const args = readArgs();
  build();

  log(`starting a throwaway Docker engine with ${args.containers} containers`);
  const sandbox = await startSandbox({ name: 'demo' });
  const workspace = mkdtempSync(join(tmpdir(), 'stevedore-demo-'));
  let served: Served | undefined;
  try {
    await makeFleet(sandbox, args.containers);
    served = await serve({
      extensionPath: REPO,
      workspace,
      env: { DOCKER_HOST: sandbox.dockerHost },
      ...(args.port === undefined ? {} : { port: args.port }),
    });

    if (args.check) return await check(served, workspace, args.containers);

    process.stdout.write('\nStevedore is running in VS Code (code-server) at:\n\n' +
      `  ${served.url}\n\nThe Containers view is in the Explorer. ` +
      `DOCKER_HOST=${sandbox.dockerHost}\nPress Ctrl-C to stop and remove everything.\n`);
    return await untilInterrupted(served);
  } finally {
    log('stopping');
    await served?.stop();
    rmSync(workspace, { recursive: true, force: true });
    await sandbox.stop();
  }
}

// Starting is what costs the engine: about 6% run (a quarter of them paused), 15% ran and
// were killed, the rest are only created. Containers run an init, so they stop at once.
async function makeFleet(sandbox: DockerSandbox, count: number): Promise<void> {
  const fleet = await createFleet(sandbox.docker, {
    count,
    image: sandbox.imageRef,
    prefix: 'demo',
    runLabel: 'demo',
    groups: Math.max(1, Math.round(count / 50)),
  });
  const ids = fleet.map((c) => c.id);
  const running = Math.max(3, Math.round(count * 0.06));
  const exited = Math.round(count * 0.15);
  const paused = Math.floor(running / 4);

  // A fixed shuffle spreads the states over the projects rather than filling the first ones.
  const shuffled = ids
    .map((id, i) => ({ id, key: Math.imul(i + 1, 2_654_435_761) >>> 0 }))
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.id);
  const toRun = shuffled.slice(0, running);
  const toExit = shuffled.slice(running, running + exited);
  log(`starting ${toRun.length + toExit.length} of them (the engine is the slow part)`);
  await startContainers(sandbox.docker, [...toRun, ...toExit]);

  await inBatches(toExit, (id, signal) =>
    sandbox.docker.getContainer(id).kill({ abortSignal: signal }));
  await inBatches(toRun.slice(0, paused), (id, signal) =>
    sandbox.docker.getContainer(id).pause({ abortSignal: signal }));
  log(`${toRun.length - paused} running, ${paused} paused, ${toExit.length} exited, ` +
    `${count - toRun.length - toExit.length} created`);
}

// A few requests at a time, each with a deadline: Debian's dockerd can deadlock under a
// flood of kills, and a demo that hangs without a word is worse than one that says so.
async function inBatches(
  ids: readonly string[],
  call: (id: string, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) {
    await Promise.all(ids.slice(i, i + BATCH).map((id) =>
      call(id, AbortSignal.timeout(REQUEST_TIMEOUT_MS)).catch((error: unknown) => {
        throw new Error(`The engine did not finish with ${id.slice(0, 12)}: ${String(error)}`);
      })));
  }
}

async function check(served: Served, workspace: string, count: number): Promise<number> {
  const workbench = await openWorkbench(served.server.url, workspace);
  try {
    const shown = await countShown(workbench.page);
    const ok = shown === count;
    process.stdout.write(`${ok ? 'ok' : 'FAILED'}: the Containers view shows ${shown} of ` +
      `${count} containers\nscreenshot: ${SCREENSHOT}\n`);
    return ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`demo check: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  } finally {
    await workbench.page.screenshot({ path: SCREENSHOT }).catch(() => undefined);
    await workbench.close();
  }
}

// Group rows say "50 · 3 running": their first numbers add up to what the view lists.
async function countShown(page: Page): Promise<number> {
  await page.keyboard.press('Control+Shift+E');
  const header = page.locator('.pane-header', { hasText: /^Containers/i }).first();
  await header.waitFor({ timeout: CHECK_TIMEOUT_MS });
  const others = page.locator('.sidebar .pane-header[aria-expanded="true"]')
    .filter({ hasNotText: /^Containers/i });
  while ((await others.count()) > 0) await others.first().click();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();

  const view = page.locator('.pane', { has: header });
  const groups = view.locator('.monaco-list-row[aria-level="1"]');
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  let total = 0;
  while (Date.now() < deadline) {
    const descriptions = await groups.locator('.label-description').allTextContents();
    total = descriptions.reduce((sum, text) => sum + (Number(/^\d+/.exec(text)?.[0]) || 0), 0);
    if (total > 0) {
      // Open the first group so the screenshot shows containers with their states too.
      await groups.first().click();
      await view.locator('.monaco-list-row[aria-level="2"]').first()
        .waitFor({ timeout: CHECK_TIMEOUT_MS });
      return total;
    }
    await page.waitForTimeout(500);
  }
  return total;
}

function untilInterrupted(served: Served): Promise<number> {
  return new Promise((done) => {
    process.once('SIGINT', () => done(0));
    process.once('SIGTERM', () => done(0));
    void served.server.exited.then(() => {
      process.stderr.write(`code-server stopped on its own:\n${served.server.output()}\n`);
      done(1);
    });
  });
}

function readArgs(): DemoArgs {
  const { values } = parseArgs({
    options: {
      containers: { type: 'string', default: '1000' },
      port: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  });
  const containers = Number(values.containers);
  if (!Number.isInteger(containers) || containers < 1 || containers > 20_000) {
    throw new Error(`Expected --containers to be a whole number 1-20000, got ${values.containers}`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65_536)) {
    throw new Error(`Expected --port to be a TCP port, got ${values.port}`);
  }
  return { containers, check: values.check, ...(port === undefined ? {} : { port }) };
}

function build(): void {
  mkdirSync(resolve(REPO, 'test-artifacts'), { recursive: true });
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`node esbuild.mjs failed with ${built.status}`);
}

function log(message: string): void {
  process.stderr.write(`demo: ${message}\n`);
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`demo: ${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
