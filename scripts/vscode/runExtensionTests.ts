// Runs the extension's test suite inside a real VS Code: code-server in headless Chromium. The
// workbench reports the extension host's console through window.codeAutomationLog and the end
// of the run through window.codeAutomationExit, which this script exposes to the page.
//
//   tsx scripts/vscode/runExtensionTests.ts --extension <abs dir> --tests <abs index.js>
//     [--workspace DIR] [--env KEY=VALUE ...] [--timeout S] [--screenshot-dir DIR]
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RESULT_MARKER, type ExtensionTestCounts } from '../../test/extension/index';
import { parseEnvPairs, startCodeServer, type CodeServer } from './codeServer';
import { runScript } from './runScript';

const CHROMIUM = '/usr/bin/chromium';
/** Flags that keep Chromium headless, offline and quiet on these machines. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WORKBENCH_TIMEOUT_MS = 60_000;
const SCREENSHOT_TIMEOUT_MS = 10_000;
const PAGE_MESSAGES_KEPT = 50;

/** What to run and where; paths are made absolute. */
export interface RunExtensionTestsOptions {
  /** Folder holding the extension's package.json, loaded as extensionDevelopmentPath. */
  extensionPath: string;
  /** Compiled test entry (index.js) exporting run(), loaded as extensionTestsPath. */
  testsPath: string;
  /** Folder opened in the workbench; a private empty one when absent. */
  workspace?: string;
  /** Added to the extension host's environment, e.g. DOCKER_HOST. */
  env?: Record<string, string>;
  /** Seconds the suite may take once the workbench page has loaded; default 300. */
  timeoutSeconds?: number;
  /** Where a screenshot goes when the run times out; default test-artifacts/. */
  screenshotDir?: string;
  /** Receives each line the tests print; default writes it to stdout. */
  onLine?: (line: string) => void;
}

/** How a run ended: VS Code's exit code, and mocha's counts when the suite reported them. */
export interface ExtensionTestsResult {
  exitCode: number;
  counts: ExtensionTestCounts | undefined;
  /** Set when the harness, not the tests, ended the run (timeout, crash). */
  failure: string | undefined;
}

/** A Chromium page showing the workbench of a running code-server, for UI checks. */
export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Starts code-server, runs the suite in a headless workbench and stops everything again. */
export async function runExtensionTests(
  options: RunExtensionTestsOptions,
): Promise<ExtensionTestsResult> {
  const privateWorkspace = options.workspace === undefined
    ? await mkdtemp(join(tmpdir(), 'stevedore-test-workspace-'))
    : undefined;
  const removeWorkspace = (): void => {
    if (privateWorkspace !== undefined) {
      rmSync(privateWorkspace, { recursive: true, force: true });
    }
  };
  process.on('exit', removeWorkspace);

  const workspace = resolve(options.workspace ?? privateWorkspace ?? '.');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, env: options.env ?? {} });
    browser = await launchChromium();
    return await driveTests(await browser.newPage(), server, workspace, options);
  } finally {
    await browser?.close();
    await server?.stop();
    removeWorkspace();
    process.off('exit', removeWorkspace);
  }
}

// Loads the workbench with the test payload and waits for its exit call, a crash or the deadline.
async function driveTests(
  page: Page,
  server: CodeServer,
  workspace: string,
  options: RunExtensionTestsOptions,
): Promise<ExtensionTestsResult> {
  const onLine = options.onLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  const pageMessages = recentPageMessages(page);

  let counts: ExtensionTestCounts | undefined;
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((done) => {
    exit = done;
  });
  await page.exposeFunction('codeAutomationExit', (code: unknown) => {
    exit(typeof code === 'number' ? code : 1);
  });
  await page.exposeFunction('codeAutomationLog', (_level: unknown, message: unknown) => {
    for (const line of String(message).split('\n')) {
      const reported = parseCounts(line);
      if (reported !== undefined) {
        counts = reported;
      } else {
        onLine(line);
      }
    }
  });

  // The workbench reads both paths as URIs on the remote side, i.e. on code-server's machine.
  const authority = `vscode-remote://${server.host}:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', `${authority}${resolve(options.extensionPath)}`],
    ['extensionTestsPath', `${authority}${resolve(options.testsPath)}`],
  ];
  await page.goto(workbenchUrl(server.url, workspace, payload), {
    timeout: WORKBENCH_TIMEOUT_MS,
  });

  const timeoutMs = (options.timeoutSeconds ?? 300) * 1000;
  const ended = await raceDeadline(exited, page, server, timeoutMs);
  if (ended.kind === 'exit') {
    return { exitCode: ended.code, counts, failure: undefined };
  }

  const screenshot = await screenshotFor(page, options.screenshotDir ?? 'test-artifacts');
  const failure = `${ended.reason}; screenshot: ${screenshot}\n` +
    `last page messages:\n${pageMessages()}\ncode-server output:\n${server.output()}`;
  return { exitCode: 1, counts, failure };
}

/** Opens the workbench of a running code-server on `folder` and waits until it has rendered. */
export async function openWorkbench(url: string, folder: string): Promise<Workbench> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(workbenchUrl(url, resolve(folder), undefined));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({
      state: 'visible',
      timeout: WORKBENCH_TIMEOUT_MS,
    });
    return { browser, page, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw new Error(`The workbench at ${url} did not render within ${WORKBENCH_TIMEOUT_MS} ms`,
      { cause: error });
  }
}

/** Launches Debian's Chromium through playwright-core, which keeps its own throwaway profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}

/** The workbench URL for a folder, optionally with a payload such as the test paths. */
export function workbenchUrl(
  serverUrl: string,
  folder: string,
  payload: string[][] | undefined,
): string {
  const query = new URLSearchParams({ folder });
  if (payload !== undefined) {
    query.set('payload', JSON.stringify(payload));
  }
  return `${serverUrl}/?${query.toString()}`;
}

function parseCounts(line: string): ExtensionTestCounts | undefined {
  const at = line.indexOf(RESULT_MARKER);
  if (at === -1) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(line.slice(at + RESULT_MARKER.length));
    const { passes, failures, pending } = value as Partial<ExtensionTestCounts>;
    if ([passes, failures, pending].every((n) => typeof n === 'number')) {
      return { passes, failures, pending } as ExtensionTestCounts;
    }
  } catch {
    // Not the line index.ts writes: treat it as ordinary output.
  }
  return undefined;
}

type Ending = { kind: 'exit'; code: number } | { kind: 'aborted'; reason: string };

// Whichever comes first: VS Code's exit code, a crash of the page or of code-server, or the
// deadline.
async function raceDeadline(
  exited: Promise<number>,
  page: Page,
  server: CodeServer,
  ms: number,
): Promise<Ending> {
  let timer: NodeJS.Timeout | undefined;
  const crashed = new Promise<Ending>((done) => {
    page.once('crash', () => done({ kind: 'aborted', reason: 'the workbench page crashed' }));
  });
  const serverGone = server.exited.then((): Ending => ({
    kind: 'aborted',
    reason: 'code-server exited during the run',
  }));
  const late = new Promise<Ending>((done) => {
    timer = setTimeout(() => done({
      kind: 'aborted',
      reason: `the tests did not finish within ${ms / 1000} s (no codeAutomationExit call)`,
    }), ms);
  });
  const exit = exited.then((code): Ending => ({ kind: 'exit', code }));
  try {
    return await Promise.race([exit, crashed, serverGone, late]);
  } finally {
    clearTimeout(timer);
  }
}

function recentPageMessages(page: Page): () => string {
  const messages: string[] = [];
  const keep = (message: string): void => {
    messages.push(message);
    messages.splice(0, Math.max(0, messages.length - PAGE_MESSAGES_KEPT));
  };
  page.on('console', (message) => keep(`[console.${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => keep(`[pageerror] ${error.message}`));
  return () => messages.join('\n');
}

async function screenshotFor(page: Page, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `extension-tests-timeout-${Date.now()}.png`);
  try {
    await page.screenshot({ path, timeout: SCREENSHOT_TIMEOUT_MS });
    return path;
  } catch (error) {
    return `none (${error instanceof Error ? error.message : String(error)})`;
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string', default: '300' },
      'screenshot-dir': { type: 'string', default: 'test-artifacts' },
    },
  });
  if (values.extension === undefined || values.tests === undefined) {
    throw new Error('Expected --extension <abs dir> and --tests <abs path to index.js>');
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    throw new Error(`Expected --timeout to be a number of seconds, got ${values.timeout}`);
  }

  const result = await runExtensionTests({
    extensionPath: values.extension,
    testsPath: values.tests,
    workspace: values.workspace,
    env: parseEnvPairs(values.env),
    timeoutSeconds,
    screenshotDir: values['screenshot-dir'],
  });

  if (result.failure !== undefined) {
    process.stderr.write(`extension tests: ${result.failure}\n`);
  }
  if (result.counts === undefined && result.failure === undefined) {
    process.stderr.write('extension tests: the suite reported no counts (it did not run)\n');
    return result.exitCode === 0 ? 1 : result.exitCode;
  }
  if (result.counts === undefined) {
    return 1;
  }
  const { passes, failures, pending } = result.counts;
  const skipped = pending > 0 ? `, ${pending} skipped` : '';
  process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`);
  return result.exitCode;
}

// tsx loads these scripts as CommonJS (package.json has no "type"), so this tells a CLI run
// from an import by another script.
if (require.main === module) {
  runScript('extension tests', main);
}
