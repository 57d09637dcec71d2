// What a killed sandbox leaves behind, removed: mounts under its root, shim sockets in
// containerd's shared folder, empty container cgroups, then the root itself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { argAfter, signalPid, type SandboxProcess } from './sandboxProcesses';

export function killProcesses(processes: readonly SandboxProcess[]): void {
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

export function cleanUpFiles(rootDir: string, killed: readonly SandboxProcess[]): void {
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

export function mountsUnder(rootDir: string): string[] {
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
export function removeShimSockets(killed: readonly SandboxProcess[]): void {
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

export function listContainerIds(rootDir: string): string[] {
  const dir = join(rootDir, 'data', 'containers');
  return existsSync(dir) ? readdirSync(dir).filter((id) => /^[0-9a-f]{64}$/.test(id)) : [];
}
