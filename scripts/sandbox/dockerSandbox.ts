import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import Dockerode from 'dockerode';

import { DEFAULT_BUSYBOX_REF, importBusyboxImage } from './busyboxImage';
import { removeContainers } from './fleet';
import { cleanUpFiles, killProcesses, removeShimSockets } from './sandboxCleanup';
import {
  allThreadsStopped,
  isAlive,
  listSandboxProcesses,
  readPid,
  readProcessTable,
  roleOf,
  signalPid,
  waitForExit,
} from './sandboxProcesses';

export { listSandboxProcesses, type SandboxProcess } from './sandboxProcesses';

/** How to start a sandbox; every field is optional. */
export interface SandboxOptions {
  /** A short tag for the root dir and error messages. Default "sandbox". */
  readonly name?: string;
  /** An empty or missing dir to hold everything; default a fresh `/tmp/stevedore-sb-*`. */
  readonly rootDir?: string;
  /** How long dockerd may take to answer its first ping. Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Tag of the busybox image imported at start. Default "stevedore/busybox:1". */
  readonly imageRef?: string;
}

/** A private dockerd with its own data, exec root, containerd and socket, for one test run. */
export interface DockerSandbox {
  readonly name: string;
  readonly rootDir: string;
  readonly socketPath: string;
  /** `unix://` + socketPath, for `DOCKER_HOST`. */
  readonly dockerHost: string;
  /** The busybox image imported at start; its CMD is `sleep infinity`. */
  readonly imageRef: string;
  /** A client for this sandbox; give each call an `abortSignal`, the daemon can hang. */
  readonly docker: Dockerode;
  /** Process id of the current dockerd; it changes on `restart()`. */
  readonly pid: number;
  /** Removes all containers, stops dockerd, kills what is left and deletes rootDir. */
  stop(): Promise<void>;
  /** Signals dockerd alone, e.g. SIGKILL to simulate a crash. */
  kill(signal?: NodeJS.Signals): void;
  /**
   * SIGSTOPs dockerd, so it accepts connections and answers nothing; or its containerd, so
   * ping, list and inspect answer while start, stop and kill hang, like the known deadlock.
   */
  freeze(part?: 'dockerd' | 'containerd'): Promise<void>;
  /** Resumes whatever `freeze` stopped. */
  thaw(): void;
  /**
   * Starts dockerd again on the same roots and socket once it is down. By default it first
   * kills the containers a crash left running, as a host crash would; otherwise dockerd
   * stops them itself before it answers, waiting out each one that ignores SIGTERM.
   */
  restart(options?: { keepOrphans?: boolean }): Promise<void>;
  /** True when `GET /_ping` answers OK within `timeoutMs` (default 2 s). */
  ping(timeoutMs?: number): Promise<boolean>;
}

const MARKER_FILE = 'stevedore-sandbox.json';
const DEFAULT_READY_TIMEOUT_MS = 60_000;
const IMPORT_TIMEOUT_MS = 120_000;
const REMOVE_ALL_BASE_MS = 15_000;
const REMOVE_EACH_MS = 60;
const LIST_TIMEOUT_MS = 10_000;
const TERM_GRACE_MS = 15_000;
const KILL_GRACE_MS = 5_000;
const FREEZE_TIMEOUT_MS = 5_000;
// The longest socket dockerd and its containerd create under the root, and the kernel's
// limit for a unix socket path (108 bytes including the final NUL).
const LONGEST_SOCKET_SUFFIX = '/exec/containerd/containerd-debug.sock';
const MAX_SOCKET_PATH = 107;
// dockerd finds runc, containerd and docker-init on PATH; a trimmed PATH must not hide them.
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

const live = new Set<Sandbox>();
let exitHooksInstalled = false;

/**
 * Starts a throwaway dockerd that shares nothing with the host's engine or other sandboxes,
 * waits for its ping and imports the busybox image.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<DockerSandbox> {
  assertCanRunDockerd();
  const name = sanitizeName(options.name ?? 'sandbox');
  const rootDir = prepareRootDir(options.rootDir, options.name === undefined ? '' : name);
  const sandbox = new Sandbox(
    name,
    rootDir,
    options.imageRef ?? DEFAULT_BUSYBOX_REF,
    options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
  );
  live.add(sandbox);
  installExitHooks();

  try {
    await sandbox.launch();
    await importBusyboxImage(
      sandbox.socketPath,
      sandbox.imageRef,
      AbortSignal.timeout(IMPORT_TIMEOUT_MS),
    );
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  return sandbox;
}

/** Stops every sandbox this process started, e.g. in a global mocha `after` hook. */
export async function stopAllSandboxes(): Promise<void> {
  await Promise.all([...live].map((sandbox) => sandbox.stop()));
}

/**
 * Stops a sandbox another process left behind, found by its root dir. Refuses a dir that
 * holds no sandbox marker, so a typo cannot delete an unrelated tree.
 */
export async function stopSandboxAt(rootDir: string): Promise<void> {
  const root = resolve(rootDir);
  if (!existsSync(join(root, MARKER_FILE))) {
    throw new Error(`${root} holds no ${MARKER_FILE}; it is not a sandbox root`);
  }
  await shutDown(root);
}

class Sandbox implements DockerSandbox {
  readonly socketPath: string;
  readonly dockerHost: string;
  readonly docker: Dockerode;
  private child: ChildProcess | undefined;
  private childExit: string | undefined;
  private readonly frozen = new Set<number>();
  private stopping: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly rootDir: string,
    readonly imageRef: string,
    private readonly readyTimeoutMs: number,
  ) {
    this.socketPath = join(rootDir, 'docker.sock');
    this.dockerHost = `unix://${this.socketPath}`;
    this.docker = new Dockerode({ socketPath: this.socketPath });
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  async launch(): Promise<void> {
    const paths = pathsOf(this.rootDir);
    const log = openSync(paths.log, 'a');
    try {
      this.child = spawn('dockerd', dockerdArgs(this.rootDir), {
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...process.env, PATH: withSystemPath(process.env.PATH) },
      });
    } finally {
      closeSync(log);
    }

    this.childExit = undefined;
    const child = this.child;
    // A killed predecessor reports its exit late; only the current child's end counts.
    const onEnd = (why: string): void => {
      if (this.child === child) {
        this.childExit = why;
      }
    };
    child.once('error', (error) => onEnd(`could not run dockerd: ${error.message}`));
    child.once('exit', (code, signal) => onEnd(`dockerd exited (${signal ?? code})`));
    // A test that forgets stop() must still let mocha exit; the exit hook then sweeps.
    child.unref();

    await this.waitUntilReady(this.readyTimeoutMs);
  }

  async stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.thaw();
      await shutDown(this.rootDir);
      live.delete(this);
    })();
    return this.stopping;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    signalPid(this.pid, signal);
  }

  async freeze(part: 'dockerd' | 'containerd' = 'dockerd'): Promise<void> {
    const pid =
      part === 'dockerd'
        ? this.pid
        : listSandboxProcesses(this.rootDir).find((proc) => proc.role === 'containerd')?.pid;
    if (!pid) {
      throw new Error(`sandbox ${this.name} has no running ${part} to freeze`);
    }
    signalPid(pid, 'SIGSTOP');
    this.frozen.add(pid);

    // SIGSTOP takes effect thread by thread; a request that lands first would still be served.
    const deadline = Date.now() + FREEZE_TIMEOUT_MS;
    while (!allThreadsStopped(pid)) {
      if (Date.now() >= deadline) {
        throw new Error(`${part} ${pid} of sandbox ${this.name} did not stop on SIGSTOP`);
      }
      await delay(5);
    }
  }

  thaw(): void {
    for (const pid of this.frozen) {
      signalPid(pid, 'SIGCONT');
    }
    this.frozen.clear();
  }

  async restart(options: { keepOrphans?: boolean } = {}): Promise<void> {
    if (this.stopping) {
      throw new Error(`sandbox ${this.name} is stopped; start a new one`);
    }
    if (!(await waitForExit([this.pid], KILL_GRACE_MS))) {
      throw new Error(`dockerd ${this.pid} of sandbox ${this.name} still runs; kill() it first`);
    }

    if (!options.keepOrphans) {
      const orphans = listSandboxProcesses(this.rootDir);
      killProcesses(orphans);
      await waitForExit(
        orphans.map((proc) => proc.pid),
        KILL_GRACE_MS,
      );
      removeShimSockets(orphans);
    }
    clearStalePidFiles(this.rootDir);
    await this.launch();
  }

  ping(timeoutMs = 2_000): Promise<boolean> {
    return pingSocket(this.socketPath, AbortSignal.timeout(timeoutMs));
  }

  /** Kills everything at once without waiting on the daemon; for the process exit hook. */
  sweepNow(): void {
    sweepSync(this.rootDir);
    live.delete(this);
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;

    while (Date.now() < deadline) {
      if (this.childExit !== undefined) {
        throw new Error(`${this.childExit} before it was ready\n${logTail(this.rootDir)}`);
      }
      const left = deadline - Date.now();
      if (await pingSocket(this.socketPath, AbortSignal.timeout(Math.min(1_000, left)))) {
        return;
      }
      await delay(100);
    }
    throw new Error(
      `dockerd of sandbox ${this.name} did not answer /_ping within ${timeoutMs} ms\n` +
        logTail(this.rootDir),
    );
  }
}

// The graceful path first (remove containers through the API, SIGTERM), then the sweep
// that kills and unmounts whatever is left, so a hung daemon still gets cleaned up.
async function shutDown(rootDir: string): Promise<void> {
  const paths = pathsOf(rootDir);
  const before = listSandboxProcesses(rootDir);
  const dockerdPid =
    readPid(paths.pidFile) ?? before.find((proc) => proc.role === 'dockerd')?.pid;

  // Whoever froze the daemon or its containerd, a frozen process cannot shut down.
  for (const proc of before) {
    if (proc.role === 'dockerd' || proc.role === 'containerd') {
      signalPid(proc.pid, 'SIGCONT');
    }
  }

  if (dockerdPid && isAlive(dockerdPid)) {
    await removeAllContainers(paths.socket, rootDir);
    signalPid(dockerdPid, 'SIGTERM');
    if (!(await waitForExit([dockerdPid], TERM_GRACE_MS))) {
      process.emitWarning(`dockerd ${dockerdPid} of ${rootDir} ignored SIGTERM; killing it`);
    }
  }

  const processes = listSandboxProcesses(rootDir);
  killProcesses(processes);
  await waitForExit(
    processes.map((proc) => proc.pid),
    KILL_GRACE_MS,
  );
  cleanUpFiles(rootDir, processes);
}

function sweepSync(rootDir: string): void {
  const processes = listSandboxProcesses(rootDir);
  killProcesses(processes);

  const deadline = Date.now() + KILL_GRACE_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (processes.some((proc) => isAlive(proc.pid)) && Date.now() < deadline) {
    Atomics.wait(pause, 0, 0, 20);
  }
  cleanUpFiles(rootDir, processes);
}

// Only tidiness rides on this: the sweep kills whatever it leaves. So its deadline is short,
// and a daemon whose removals hang costs seconds, not minutes.
async function removeAllContainers(socketPath: string, rootDir: string): Promise<void> {
  const docker = new Dockerode({ socketPath });
  try {
    const listed = await docker.listContainers({
      all: true,
      abortSignal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    const budgetMs = REMOVE_ALL_BASE_MS + REMOVE_EACH_MS * listed.length;
    await removeContainers(
      docker,
      listed.map((container) => container.Id),
      { signal: AbortSignal.timeout(budgetMs) },
    );
  } catch (error) {
    // The sweep that follows kills the containers anyway; say why it had to.
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(`sandbox ${rootDir}: removing containers failed (${reason}); killing`);
  }
}

// dockerd trusts its pid file, and reuses a containerd whose pid file names a live process:
// a killed dockerd's containerd dies with it but can linger as a zombie that fools that check.
function clearStalePidFiles(rootDir: string): void {
  const paths = pathsOf(rootDir);
  for (const [file, role] of [
    [paths.pidFile, 'dockerd'],
    [paths.containerdPidFile, 'containerd'],
  ] as const) {
    const pid = readPid(file);
    const owner = pid ? readProcessTable().get(pid) : undefined;
    if (pid && !(owner && roleOf(owner.argv) === role && isAlive(pid))) {
      rmSync(file, { force: true });
    }
  }
}

function dockerdArgs(rootDir: string): string[] {
  const paths = pathsOf(rootDir);
  return [
    '--config-file', paths.config,
    '--data-root', paths.data,
    '--exec-root', paths.exec,
    '--host', `unix://${paths.socket}`,
    '--pidfile', paths.pidFile,
    // No bridge, no NAT, no firewall rules: containers run with NetworkMode none only.
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    '--userland-proxy=false',
    '--log-level=warn',
  ];
}

function pathsOf(rootDir: string) {
  const exec = join(rootDir, 'exec');
  return {
    config: join(rootDir, 'daemon.json'),
    data: join(rootDir, 'data'),
    exec,
    socket: join(rootDir, 'docker.sock'),
    pidFile: join(rootDir, 'dockerd.pid'),
    log: join(rootDir, 'dockerd.log'),
    containerdPidFile: join(exec, 'containerd', 'containerd.pid'),
  };
}

function prepareRootDir(requested: string | undefined, tag: string): string {
  let rootDir: string;
  if (requested === undefined) {
    // Under /tmp, not $TMPDIR: a long TMPDIR would push socket paths past the limit.
    rootDir = mkdtempSync(tag === '' ? '/tmp/stevedore-sb-' : `/tmp/stevedore-sb-${tag}-`);
  } else {
    rootDir = resolve(requested);
    mkdirSync(rootDir, { recursive: true, mode: 0o700 });
    if (readdirSync(rootDir).length > 0) {
      throw new Error(`sandbox rootDir ${rootDir} is not empty; stop() deletes it, so refuse`);
    }
  }

  if (rootDir.length + LONGEST_SOCKET_SUFFIX.length > MAX_SOCKET_PATH) {
    rmSync(rootDir, { recursive: true, force: true });
    throw new Error(
      `sandbox rootDir ${rootDir} is too long: unix socket paths under it would pass ` +
        `${MAX_SOCKET_PATH} bytes; use at most ${MAX_SOCKET_PATH - LONGEST_SOCKET_SUFFIX.length}`,
    );
  }

  const paths = pathsOf(rootDir);
  writeFileSync(
    join(rootDir, MARKER_FILE),
    JSON.stringify({ ownerPid: process.pid, createdAt: new Date().toISOString() }) + '\n',
  );
  // An own config file keeps the host's /etc/docker/daemon.json out, and the key out of /etc.
  writeFileSync(
    paths.config,
    JSON.stringify({ 'deprecated-key-path': join(rootDir, 'key.json'), 'shutdown-timeout': 2 }),
  );
  return rootDir;
}

function sanitizeName(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 16);
  return clean === '' ? 'sandbox' : clean;
}

function assertCanRunDockerd(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('a Docker sandbox needs root: dockerd cannot run rootless here');
  }
  const found = withSystemPath(process.env.PATH)
    .split(delimiter)
    .some((dir) => isAbsolute(dir) && existsSync(join(dir, 'dockerd')));
  if (!found || !existsSync('/bin/busybox')) {
    throw new Error('dockerd or /bin/busybox is missing: run scripts/install-deps.sh');
  }
}

function withSystemPath(path: string | undefined): string {
  const dirs = (path ?? '').split(delimiter).filter((dir) => dir !== '');
  return [...dirs, ...SYSTEM_PATH.filter((dir) => !dirs.includes(dir))].join(delimiter);
}

function installExitHooks(): void {
  if (exitHooksInstalled) {
    return;
  }
  exitHooksInstalled = true;

  process.on('exit', sweepAllNow);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      // A program that handles the signal itself stops its sandboxes; 'exit' is the backstop.
      if (process.listenerCount(signal) > 1) {
        return;
      }
      sweepAllNow();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function sweepAllNow(): void {
  for (const sandbox of [...live]) {
    try {
      sandbox.sweepNow();
    } catch (error) {
      // The process is ending: a warning would never print, so write it straight out.
      process.stderr.write(`stevedore sandbox ${sandbox.rootDir}: cleanup failed: ${error}\n`);
    }
  }
}

function pingSocket(socketPath: string, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolvePing) => {
    // No keep-alive agent: a pooled socket to a frozen daemon would outlive this ping.
    const req = http.get({ socketPath, path: '/_ping', agent: false, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolvePing(res.statusCode === 200 && body === 'OK'));
      res.once('error', () => resolvePing(false));
    });
    req.once('error', () => resolvePing(false));
  });
}

function logTail(rootDir: string, lines = 20): string {
  try {
    const text = readFileSync(pathsOf(rootDir).log, 'utf8').trimEnd().split('\n');
    return `last lines of ${pathsOf(rootDir).log}:\n${text.slice(-lines).join('\n')}`;
  } catch {
    return `(no dockerd log at ${pathsOf(rootDir).log})`;
  }
}
