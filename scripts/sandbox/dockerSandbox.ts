import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import Dockerode from 'dockerode';

import { DEFAULT_BUSYBOX_REF, importBusyboxImage } from './busyboxImage';
import { removeContainers } from './fleet';

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

/** A process that belongs to a sandbox, found through /proc. */
export interface SandboxProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly role: 'dockerd' | 'containerd' | 'shim' | 'container';
  readonly argv: readonly string[];
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

/** Lists dockerd, its containerd, their shims and the container processes of a sandbox. */
export function listSandboxProcesses(rootDir: string): SandboxProcess[] {
  const table = readProcessTable();
  const marker = `${resolve(rootDir)}/`;
  const owned = new Map<number, SandboxProcess>();

  for (const proc of table.values()) {
    const role = roleOf(proc.argv);
    if (role && proc.pid !== process.pid && proc.argv.some((arg) => arg.includes(marker))) {
      owned.set(proc.pid, { pid: proc.pid, ppid: proc.ppid, role, argv: proc.argv });
    }
  }

  // Container processes name no sandbox path; they are found as descendants of the shims.
  let grew = true;
  while (grew) {
    grew = false;
    for (const proc of table.values()) {
      if (!owned.has(proc.pid) && owned.has(proc.ppid)) {
        owned.set(proc.pid, { pid: proc.pid, ppid: proc.ppid, role: 'container', argv: proc.argv });
        grew = true;
      }
    }
  }
  return [...owned.values()];
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

function killProcesses(processes: readonly SandboxProcess[]): void {
  // dockerd first, so it does not restart containerd or react to its containers dying.
  const order: SandboxProcess['role'][] = ['dockerd', 'containerd', 'shim', 'container'];
  for (const role of order) {
    for (const proc of processes) {
      if (proc.role === role) {
        signalPid(proc.pid, 'SIGKILL');
      }
    }
  }
}

function cleanUpFiles(rootDir: string, killed: readonly SandboxProcess[]): void {
  const containerIds = listContainerIds(rootDir);

  unmountUnder(rootDir);
  removeShimSockets(killed);
  removeContainerCgroups(containerIds);

  // rm -rf crosses mount points: with anything still mounted, leaving the dir is safer.
  const stillMounted = mountsUnder(rootDir);
  if (stillMounted.length > 0) {
    throw new Error(`kept ${rootDir}: still mounted under it: ${stillMounted.join(', ')}`);
  }
  rmSync(rootDir, { recursive: true, force: true, maxRetries: 3 });
}

function unmountUnder(rootDir: string): void {
  const mountPoints = mountsUnder(rootDir).sort((a, b) => b.length - a.length);

  // Lazy, deepest first, in batches: a sandbox with 1000 containers has 2000 mounts.
  for (let i = 0; i < mountPoints.length; i += 200) {
    const batch = mountPoints.slice(i, i + 200);
    const result = spawnSync('umount', ['-l', ...batch], { encoding: 'utf8' });
    if (result.status !== 0) {
      process.emitWarning(`umount -l under ${rootDir} failed: ${result.stderr.trim()}`);
    }
  }
}

function mountsUnder(rootDir: string): string[] {
  const prefix = `${resolve(rootDir)}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''))
    .filter((point) => point.startsWith(prefix));
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

// A SIGKILLed shim leaves its socket behind in containerd's fixed /run/containerd/s; the
// name is containerd's hash of the containerd address, namespace and container id.
function removeShimSockets(killed: readonly SandboxProcess[]): void {
  for (const proc of killed) {
    if (proc.role !== 'shim') {
      continue;
    }
    const address = argAfter(proc.argv, '-address');
    const namespace = argAfter(proc.argv, '-namespace');
    const id = argAfter(proc.argv, '-id');
    if (address && namespace && id) {
      const hash = createHash('sha256').update(join(address, namespace, id)).digest('hex');
      rmSync(join('/run/containerd/s', hash), { force: true });
    }
  }
}

// Containers killed behind runc's back keep empty cgroups under the shared `docker` parent.
function removeContainerCgroups(containerIds: readonly string[]): void {
  if (containerIds.length === 0 || !existsSync('/sys/fs/cgroup')) {
    return;
  }
  const parents = ['/sys/fs/cgroup/docker'];
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    parents.push(join('/sys/fs/cgroup', controller, 'docker'));
  }

  for (const parent of parents.filter((dir) => existsSync(dir))) {
    for (const id of containerIds) {
      const dir = join(parent, id);
      if (existsSync(dir)) {
        try {
          rmdirSync(dir);
        } catch {
          // Still busy or already gone: an empty cgroup left here costs nothing but a name.
        }
      }
    }
  }
}

function listContainerIds(rootDir: string): string[] {
  const dir = join(rootDir, 'data', 'containers');
  return existsSync(dir) ? readdirSync(dir).filter((id) => /^[0-9a-f]{64}$/.test(id)) : [];
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

async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some((pid) => isAlive(pid))) {
    if (Date.now() >= deadline) {
      return false;
    }
    await delay(50);
  }
  return true;
}

// A zombie counts as gone: it holds no mounts or sockets, and the init process of some
// containers (this machine's included) is slow to reap orphans.
function isAlive(pid: number): boolean {
  if (pid <= 0) {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function allThreadsStopped(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return 'Tt'.includes(stat.slice(stat.lastIndexOf(')') + 2)[0] ?? '');
    });
  } catch {
    // Gone, or a thread ended while being read: nothing left that could answer.
    return !isAlive(pid);
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) {
    return;
  }
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
}

function readProcessTable(): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the ")" that closes the command name: state, then ppid.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') {
        continue;
      }
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      table.set(Number(entry), { pid: Number(entry), ppid: Number(ppid), argv });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

function roleOf(argv: readonly string[]): Exclude<SandboxProcess['role'], 'container'> | undefined {
  const command = basename(argv[0] ?? '');
  if (command === 'dockerd') {
    return 'dockerd';
  }
  if (command === 'containerd') {
    return 'containerd';
  }
  return command.startsWith('containerd-shim') ? 'shim' : undefined;
}

function argAfter(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}

function logTail(rootDir: string, lines = 20): string {
  try {
    const text = readFileSync(pathsOf(rootDir).log, 'utf8').trimEnd().split('\n');
    return `last lines of ${pathsOf(rootDir).log}:\n${text.slice(-lines).join('\n')}`;
  } catch {
    return `(no dockerd log at ${pathsOf(rootDir).log})`;
  }
}
