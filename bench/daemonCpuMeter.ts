import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { listSandboxProcesses } from '../scripts/sandbox/sandboxProcesses';
import { readProcCpu } from './procStat';

/**
 * Counts the CPU the sandbox engine spends: dockerd, its containerd, every shim and every
 * runc they spawn. It moves dockerd and containerd into a cgroup of its own, so the shims
 * and runc processes forked later land there too and the kernel does the accounting; the
 * containers themselves run in Docker's own cgroups and are not counted. Without a usable
 * cgroup it falls back to dockerd and containerd from /proc, and says so in `counts`.
 */
export class DaemonCpuMeter {
  private readonly dir: string | undefined;
  private readonly fallback = new Map<number, { base: number; last: number }>();
  private fallbackTotal = 0;

  /** What the figure includes, in words for the report. */
  readonly counts: string;

  constructor(private readonly rootDir: string) {
    this.dir = makeCgroup();
    this.counts = this.dir
      ? 'dockerd + containerd + shims + runc (a cpuacct cgroup of their own)'
      : 'dockerd + containerd only, with reaped children (no cgroup could be made)';
  }

  /** Moves the sandbox's current dockerd and containerd in; call again after a restart. */
  attach(): void {
    const daemons = listSandboxProcesses(this.rootDir).filter(
      (proc) => proc.role === 'dockerd' || proc.role === 'containerd',
    );
    for (const proc of daemons) {
      if (this.dir) {
        try {
          writeFileSync(join(this.dir, 'cgroup.procs'), String(proc.pid));
        } catch {
          // Gone meanwhile: a dead daemon spends no more CPU.
        }
      } else {
        const now = cpuOf(proc.pid);
        this.fallback.set(proc.pid, { base: now, last: now });
      }
    }
  }

  /** CPU seconds spent since the meter was made; compare two readings. */
  read(): number {
    if (this.dir) {
      const ns = Number(readFileSync(join(this.dir, 'cpuacct.usage'), 'utf8').trim());
      return ns / 1e9;
    }
    let live = 0;
    for (const [pid, times] of this.fallback) {
      const now = cpuOf(pid);
      if (now === 0) {
        // The process died; what it spent until the last reading is all that is known.
        this.fallbackTotal += times.last - times.base;
        this.fallback.delete(pid);
        continue;
      }
      times.last = now;
      live += now - times.base;
    }
    return this.fallbackTotal + live;
  }

  /** Removes the cgroup once its processes are gone. */
  dispose(): void {
    if (!this.dir) return;
    try {
      rmdirSync(this.dir);
    } catch {
      // Still holding a zombie: an empty cgroup costs a name only, and a reboot clears it.
    }
  }
}

const CPUACCT_ROOTS = ['/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu,cpuacct'];

function makeCgroup(): string | undefined {
  for (const root of CPUACCT_ROOTS) {
    if (!existsSync(join(root, 'cpuacct.usage'))) continue;
    const dir = join(root, `stevedore-bench-${process.pid}`);
    try {
      mkdirSync(dir, { recursive: true });
      readFileSync(join(dir, 'cpuacct.usage'), 'utf8');
      return dir;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function cpuOf(pid: number): number {
  const cpu = readProcCpu(pid);
  return cpu ? cpu.self + cpu.children : 0;
}
