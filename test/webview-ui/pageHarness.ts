// Loads the Operations page in Debian's headless Chromium the way VS Code would: the same
// HTML and CSP as the extension serves, a stand-in for acquireVsCodeApi that records what the
// page posts, host messages delivered as `message` events, and a theme's variables.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../scripts/vscode/runExtensionTests';
import { renderPanelHtml } from '../../src/extension/panel/panelHtml';
import type { WebviewTheme } from './themes';

// One set of flags for every Chromium the project starts.
export { CHROMIUM_ARGS };

/** Starts Debian's Chromium, with any extra flags. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** The built page served on loopback, each load with a fresh nonce. */
export interface PanelServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds the page into a private folder with the options esbuild.mjs uses for webview
 * pages, so a test never depends on other programs in that file building.
 */
export async function servePanel(): Promise<PanelServer> {
  const dir = await mkdtemp(join(tmpdir(), 'stevedore-panel-'));
  await esbuild.build({
    entryPoints: { panel: 'webview-ui/src/main.ts' },
    bundle: true,
    outdir: dir,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    loader: { '.css': 'css' },
    logLevel: 'warning',
  });

  const files: Record<string, string> = {
    '/panel.js': 'text/javascript',
    '/panel.css': 'text/css',
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    if (path === '/') {
      const html = renderPanelHtml({
        cspSource: origin,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: `${origin}/panel.js`,
        styleUri: `${origin}/panel.css`,
      });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (path === '/host') {
      // A stand-in for VS Code's outer webview frame, on another site than the page, so
      // Chromium gives the page a process of its own and the sender's work is not the page's.
      const page = `http://localhost:${(server.address() as AddressInfo).port}/`;
      const frame = `<iframe src="${page}" width="1100" height="880"></iframe>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!DOCTYPE html><title>host</title>${frame}`);
      return;
    }
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const type = files[path];
    if (type === undefined) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(dir, path.slice(1))).then(
      (body) => response.writeHead(200, { 'content-type': type }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What the stand-in VS Code API keeps in the page. */
interface Recorder {
  posted: unknown[];
  state: unknown;
  violations: string[];
  applyTheme(theme: WebviewTheme): void;
}

declare global {
  interface Window {
    __stevedore: Recorder;
  }
}

/** Options of an opened page. */
export interface OpenOptions {
  readonly theme: WebviewTheme;
  /** What `getState` returns at first, as after a reload. */
  readonly savedState?: unknown;
  readonly width?: number;
  readonly height?: number;
  /**
   * Load the page in a cross-site iframe of a stand-in host frame, as VS Code does, and send
   * host messages from that frame. Locators then go through `frame`, not `page`.
   */
  readonly framed?: boolean;
}

/** One loaded Operations page and the means to talk to it as the host. */
export class PanelPage {
  private constructor(
    readonly page: Page,
    /** The frame the Operations page runs in. */
    readonly frame: Frame,
    // Where host messages are posted from: the page itself, or its stand-in host frame.
    private readonly sender: Frame,
  ) {}

  /** Opens the page and waits until it has said `ready`. */
  static async open(
    browser: Browser,
    server: PanelServer,
    options: OpenOptions,
  ): Promise<PanelPage> {
    const page = await browser.newPage({
      viewport: { width: options.width ?? 1100, height: options.height ?? 900 },
    });
    // tsx compiles with keepNames, which wraps inner functions in calls to esbuild's __name
    // helper; functions sent to the page carry those calls, so the page needs the helper.
    await page.addInitScript('globalThis.__name = (target) => target;');
    await page.addInitScript(installStandIn, {
      theme: options.theme,
      savedState: options.savedState ?? null,
    });
    await page.goto(options.framed ? `${server.url}host` : server.url);
    const frame = options.framed
      ? await (await page.waitForSelector('iframe')).contentFrame()
      : page.mainFrame();
    if (frame === null) {
      throw new Error('The Operations page did not load in its frame');
    }
    await frame.waitForFunction(() => window.__stevedore?.posted.length > 0);
    return new PanelPage(page, frame, options.framed ? page.mainFrame() : frame);
  }

  /** Delivers host messages as VS Code does, then waits until the page has drawn them. */
  async send(...messages: unknown[]): Promise<void> {
    await this.post(messages);
    await this.settle();
  }

  /** Posts host messages to the page, from its host frame when it has one. */
  async post(messages: unknown[], intervalMs = 0): Promise<void> {
    await this.sender.evaluate(async ([all, interval]) => {
      const target = document.querySelector('iframe')?.contentWindow ?? window;
      for (const message of all) {
        target.postMessage(message, '*');
        if (interval > 0) {
          await new Promise((resolve) => setTimeout(resolve, interval));
        }
      }
    }, [messages, intervalMs] as const);
  }

  /** Waits for queued messages to be handled and two frames to be drawn. */
  async settle(): Promise<void> {
    await this.frame.evaluate(() => new Promise<void>((resolve) => {
      setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())), 0);
    }));
  }

  /** Everything the page posted to the host so far, oldest first. */
  posted(): Promise<Record<string, unknown>[]> {
    return this.frame.evaluate(() => window.__stevedore.posted as Record<string, unknown>[]);
  }

  /** The last message the page posted. */
  async lastPosted(): Promise<Record<string, unknown> | undefined> {
    const all = await this.posted();
    return all[all.length - 1];
  }

  /** What the page last saved with `setState`. */
  savedState(): Promise<unknown> {
    return this.frame.evaluate(() => window.__stevedore.state);
  }

  /** Content Security Policy violations reported so far. */
  violations(): Promise<string[]> {
    return this.frame.evaluate(() => window.__stevedore.violations);
  }

  /** Switches the theme the way VS Code does: new variables and a new body class. */
  async applyTheme(theme: WebviewTheme): Promise<void> {
    await this.frame.evaluate((t) => window.__stevedore.applyTheme(t), theme);
    await this.settle();
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

// Runs in the page before any of its scripts; it must be self-contained.
function installStandIn(args: { theme: WebviewTheme; savedState: unknown }): void {
  const recorder: Recorder = {
    posted: [],
    state: args.savedState ?? undefined,
    violations: [],
    applyTheme(theme) {
      // VS Code sets the variables through the style object, which the CSP allows.
      const style = document.documentElement.style;
      for (let i = style.length - 1; i >= 0; i--) {
        const name = style.item(i);
        if (name.startsWith('--vscode-')) {
          style.removeProperty(name);
        }
      }
      for (const [name, value] of Object.entries(theme.variables)) {
        style.setProperty(name, value);
      }
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(theme.kind);
      document.body.dataset.vscodeThemeKind = theme.kind;
    },
  };
  Object.defineProperty(window, '__stevedore', { value: recorder });

  let acquired = false;
  Object.defineProperty(window, 'acquireVsCodeApi', {
    value() {
      if (acquired) {
        throw new Error('An instance of the VS Code API has already been acquired');
      }
      acquired = true;
      return Object.freeze({
        // VS Code carries messages as JSON, so a copy made that way is what the host sees.
        postMessage: (message: unknown) => {
          recorder.posted.push(JSON.parse(JSON.stringify(message)));
        },
        getState: () => recorder.state,
        setState: <T>(state: T): T => {
          recorder.state = JSON.parse(JSON.stringify(state));
          return state;
        },
      });
    },
  });

  document.addEventListener('securitypolicyviolation', (event) => {
    recorder.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
  });
  // Before the page's load event, when the toolkit first reads the theme.
  document.addEventListener('DOMContentLoaded', () => recorder.applyTheme(args.theme));
}
