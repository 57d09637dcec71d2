// Starts code-server (VS Code 1.100.3 served to a browser) with everything private to one run,
// for the extension test runner, UI checks and demos. Install it first with install.sh.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where scripts/vscode/install.sh puts code-server; these scripts run as CommonJS under tsx. */
export const CODE_SERVER_ENTRY = resolve(
  __dirname,
  '../../.code-server/node_modules/code-server/out/node/entry.js',
);

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LINES_KEPT = 200;

/** How to start code-server; every field is optional. */
export interface CodeServerOptions {
  /** Port on 127.0.0.1; a free one is chosen when absent. */
  port?: number;
  /** Folder opened when the workbench URL names none. */
  workspace?: string;
  /** Added to the environment of code-server and so of its extension host (e.g. DOCKER_HOST). */
  env?: Record<string, string>;
  /** Merged over the defaults into the private user settings.json. */
  userSettings?: object;
  /** Extensions folder; a private empty one when absent. */
  extensionsDir?: string;
}

/** A running code-server; stop() ends its whole process tree and removes its private files. */
export interface CodeServer {
  url: string;
  port: number;
  host: string;
  /** The last lines code-server printed, to explain a failure. */
  output(): string;
  /** Settles when the code-server process ends, whether stop() or a crash ended it. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Starts code-server without authentication on 127.0.0.1 and resolves once /healthz answers. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}: ` +
      'run scripts/vscode/install.sh first');
  }

  const root = await mkdtemp(join(tmpdir(), 'stevedore-code-server-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(root, 'extensions');
  writeUserSettings(userDataDir, options.userSettings ?? {});
  for (const dir of [extensionsDir, join(root, 'config'), join(root, 'data')]) {
    mkdirSync(dir, { recursive: true });
  }

  const port = options.port ?? (await findFreePort());
  const args = [
    CODE_SERVER_ENTRY,
    '--auth', 'none',
    '--bind-addr', `${HOST}:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--ignore-last-opened',
  ];
  if (options.workspace !== undefined) {
    args.push(resolve(options.workspace));
  }

  // A process group of its own lets stop() reach the extension host, pty host and watchers
  // that code-server forks, and keeps a terminal's Ctrl-C from killing it behind our back.
  const child = spawn(process.execPath, args, {
    env: childEnv(root, options.env ?? {}),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
  });
  const killOnExit = (): void => {
    killGroup(child, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      await endGroup(child, exited);
      rmSync(root, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitForHealthz(child, port, output);
  } catch (error) {
    await stop();
    throw error;
  }

  return { url: `http://${HOST}:${port}`, port, host: HOST, output, exited, stop };
}

// No Welcome page to steal keystrokes, and no background update or recommendation checks.
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

function writeUserSettings(userDataDir: string, extra: object): void {
  const settings = { ...DEFAULT_SETTINGS, ...extra };
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

// Inherited variables that would change where code-server listens, what password it wants, or
// make it talk to the VS Code this script may itself be running in are dropped.
function childEnv(root: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped = key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' ||
      key === 'PORT' || key === 'PASSWORD' || key === 'HASHED_PASSWORD';
    if (!dropped) {
      env[key] = value;
    }
  }
  return {
    ...env,
    // An empty gallery turns off the extension marketplace (open-vsx.org), which these
    // machines cannot reach: each lookup would only log an error into the test output.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
  };
}

/** Asks the kernel for a free port on 127.0.0.1; another process may still take it first. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') {
          resolvePort(address.port);
        } else {
          reject(new Error(`Expected a TCP address from the probe server, got ${address}`));
        }
      });
    });
  });
}

/** Turns command-line `--env KEY=VALUE` pairs into the `env` option. */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new Error(`Expected --env KEY=VALUE, got ${JSON.stringify(pair)}`);
    }
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

function collectOutput(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES_KEPT));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('\n');
}

async function waitForHealthz(
  child: ChildProcess,
  port: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const url = `http://${HOST}:${port}/healthz`;

  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before ` +
        `answering ${url}:\n${output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet: connection refused is the expected answer while it starts.
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }

  throw new Error(`code-server did not answer ${url} within ${READY_TIMEOUT_MS} ms:\n${output()}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

// SIGTERM lets code-server close its sockets; what is still alive after the deadline is killed,
// including grandchildren that outlive the main process, since they share its group.
async function endGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  killGroup(child, 'SIGTERM');

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((done) => {
    timer = setTimeout(done, STOP_TIMEOUT_MS);
  });
  await Promise.race([exited, deadline]);
  clearTimeout(timer);

  killGroup(child, 'SIGKILL');
}
