// The processes of a sandbox, read from /proc: its dockerd and containerd are found by the
// sandbox root in their arguments, the shims and container processes as their descendants.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A process that belongs to a sandbox, found through /proc. */
export interface SandboxProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly role: 'dockerd' | 'containerd' | 'shim' | 'container';
  readonly argv: readonly string[];
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

export async function waitForExit(
  pids: readonly number[],
  timeoutMs: number,
): Promise<boolean> {
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
export function isAlive(pid: number): boolean {
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

export function allThreadsStopped(pid: number): boolean {
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

export function signalPid(pid: number, signal: NodeJS.Signals): void {
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

export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
}

export function readProcessTable(): Map<number, ProcEntry> {
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

export function roleOf(
  argv: readonly string[],
): Exclude<SandboxProcess['role'], 'container'> | undefined {
  const command = basename(argv[0] ?? '');
  if (command === 'dockerd') {
    return 'dockerd';
  }
  if (command === 'containerd') {
    return 'containerd';
  }
  return command.startsWith('containerd-shim') ? 'shim' : undefined;
}

export function argAfter(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}
