import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

import { importBusyboxImage } from '../../../scripts/sandbox/busyboxImage';
import {
  listSandboxProcesses,
  startSandbox,
  stopSandboxAt,
  type DockerSandbox,
} from '../../../scripts/sandbox/dockerSandbox';
import {
  createBrokenContainer,
  createFleet,
  FLEET_LABEL,
  removeFleet,
  startContainers,
  type FleetContainer,
} from '../../../scripts/sandbox/fleet';
import { withDeadline, withSandbox } from '../../support/engineSandbox';

// Generous deadlines: they exist so a hung daemon fails a test instead of hanging it.
const CALL_MS = 30_000;

describe('dockerSandbox', function () {
  this.timeout(60_000);
  const engine = withSandbox({ name: 'itest' });
  let fleet: FleetContainer[] = [];

  it('starts a private daemon that answers ping and lists no containers', async function () {
    const { sandbox, docker } = engine;

    assert.equal(await sandbox.ping(5_000), true);
    assert.equal(sandbox.dockerHost, `unix://${sandbox.socketPath}`);
    assert.ok(sandbox.socketPath.startsWith(`${sandbox.rootDir}/`));

    const listed = await withDeadline(
      (signal) => docker.listContainers({ all: true, abortSignal: signal }),
      CALL_MS,
      'list containers',
    );
    assert.deepEqual(listed, []);
  });

  it('runs its own containerd, started by its dockerd, with state under its root', function () {
    const { sandbox } = engine;
    const processes = listSandboxProcesses(sandbox.rootDir);

    const dockerds = processes.filter((proc) => proc.role === 'dockerd');
    const containerds = processes.filter((proc) => proc.role === 'containerd');
    assert.deepEqual(
      dockerds.map((proc) => proc.pid),
      [sandbox.pid],
    );
    assert.equal(containerds.length, 1);
    assert.equal(containerds[0]?.ppid, sandbox.pid);
    assert.ok(configOf(containerds[0]?.argv ?? []).startsWith(`${sandbox.rootDir}/`));
  });

  it('imports the busybox image once, with sleep infinity as its command', async function () {
    const { sandbox, docker } = engine;
    // dockerode's image inspect takes no abort signal; the deadline still fails the test.
    const inspect = () =>
      withDeadline(docker.getImage(sandbox.imageRef).inspect(), CALL_MS, 'image inspect');
    const before = await inspect();

    await importBusyboxImage(sandbox.socketPath, sandbox.imageRef, AbortSignal.timeout(CALL_MS));

    const after = await inspect();
    assert.deepEqual(before.Config.Cmd, ['/bin/sleep', 'infinity']);
    assert.equal(after.Id, before.Id);
  });

  it('creates a labelled fleet, half of it with an init, and starts it', async function () {
    const { docker, imageRef } = engine;

    fleet = await createFleet(docker, {
      count: 6,
      image: imageRef,
      prefix: 'it',
      runLabel: 'it-run',
      signal: AbortSignal.timeout(CALL_MS),
    });
    await startContainers(
      docker,
      fleet.map((container) => container.id),
      { signal: AbortSignal.timeout(CALL_MS) },
    );

    assert.deepEqual(
      fleet.map((container) => container.name),
      ['it-0000', 'it-0001', 'it-0002', 'it-0003', 'it-0004', 'it-0005'],
    );
    for (const container of fleet) {
      const info = await withDeadline(
        (signal) => docker.getContainer(container.id).inspect({ abortSignal: signal }),
        CALL_MS,
        'container inspect',
      );
      assert.equal(info.State.Status, 'running');
      assert.equal(info.HostConfig.NetworkMode, 'none');
      assert.equal(info.HostConfig.Init === true, container.honoursSigterm);
      assert.equal(info.Config.Labels[FLEET_LABEL], 'it-run');
      assert.equal(
        info.Config.Labels['stevedore.sigterm'],
        container.honoursSigterm ? 'honours' : 'ignores',
      );
    }
    assert.equal(fleet.filter((container) => container.honoursSigterm).length, 3);
  });

  it('labels web containers as depending on db in compose format', async function () {
    const { docker } = engine;

    const listed = await withDeadline(
      (signal) =>
        docker.listContainers({
          all: true,
          filters: { label: [`${FLEET_LABEL}=it-run`] },
          abortSignal: signal,
        }),
      CALL_MS,
      'list containers',
    );

    const services = new Set(listed.map((item) => item.Labels['com.docker.compose.service']));
    assert.deepEqual([...services].sort(), ['db', 'web', 'worker']);
    for (const item of listed) {
      const dependsOn = item.Labels['com.docker.compose.depends_on'];
      const isWeb = item.Labels['com.docker.compose.service'] === 'web';
      assert.equal(dependsOn, isWeb ? 'db:service_started:false' : undefined);
      assert.equal(item.Labels['com.docker.compose.project'], 'it-proj-0');
    }
  });

  it('reports the engine error when a container with a missing command starts', async function () {
    const { docker, imageRef } = engine;
    const broken = await createBrokenContainer(docker, imageRef, 'it-broken', {
      runLabel: 'it-run',
      signal: AbortSignal.timeout(CALL_MS),
    });

    await assert.rejects(
      docker.getContainer(broken.id).start({ abortSignal: AbortSignal.timeout(CALL_MS) }),
      (error: { statusCode?: number; message?: string }) => {
        assert.equal(error.statusCode, 400);
        assert.match(error.message ?? '', /does-not-exist/);
        return true;
      },
    );
  });

  it('does not answer while frozen and answers again after thaw', async function () {
    const { sandbox } = engine;

    await sandbox.freeze();
    try {
      assert.equal(await sandbox.ping(300), false);
    } finally {
      sandbox.thaw();
    }

    assert.equal(await sandbox.ping(10_000), true);
  });

  it('answers lists but hangs stops while its containerd is frozen', async function () {
    const { sandbox, docker } = engine;
    const target = docker.getContainer(fleet[0]?.id ?? '');

    await sandbox.freeze('containerd');
    try {
      const listed = await withDeadline(
        (signal) => docker.listContainers({ all: true, abortSignal: signal }),
        CALL_MS,
        'list containers',
      );
      assert.equal(listed.length, fleet.length + 1);
      await assert.rejects(
        target.stop({ t: 0, abortSignal: AbortSignal.timeout(1_000) }),
        { name: 'AbortError' },
      );
    } finally {
      sandbox.thaw();
    }

    await withDeadline(
      (signal) => target.stop({ t: 0, abortSignal: signal }).catch(ignoreNotModified),
      CALL_MS,
      'stop after thaw',
    );
  });

  it('comes back after kill -9 and restart, with its containers still listed', async function () {
    const { sandbox, docker } = engine;
    const crashedPid = sandbox.pid;

    sandbox.kill('SIGKILL');
    await eventually(async () => !(await sandbox.ping(500)), 'the killed daemon stops answering');
    await sandbox.restart();

    assert.notEqual(sandbox.pid, crashedPid);
    assert.equal(await sandbox.ping(5_000), true);
    const containerds = listSandboxProcesses(sandbox.rootDir).filter(
      (proc) => proc.role === 'containerd',
    );
    assert.deepEqual(
      containerds.map((proc) => proc.ppid),
      [sandbox.pid],
    );
    const listed = await withDeadline(
      (signal) => docker.listContainers({ all: true, abortSignal: signal }),
      CALL_MS,
      'list containers after restart',
    );
    const names = listed.map((item) => item.Names[0]?.slice(1)).sort();
    assert.deepEqual(names, [...fleet.map((container) => container.name), 'it-broken'].sort());
    // No live-restore: what ran when the daemon died is found exited.
    assert.deepEqual(new Set(listed.map((item) => item.State)), new Set(['exited', 'created']));
  });

  it('removes a fleet by its run label', async function () {
    const { docker } = engine;

    await removeFleet(docker, 'it-run', AbortSignal.timeout(CALL_MS));

    const listed = await withDeadline(
      (signal) => docker.listContainers({ all: true, abortSignal: signal }),
      CALL_MS,
      'list containers',
    );
    assert.deepEqual(listed, []);
  });
});

describe('two dockerSandboxes side by side', function () {
  this.timeout(60_000);
  let left: DockerSandbox | undefined;
  let right: DockerSandbox | undefined;

  after(async function () {
    this.timeout(120_000);
    await Promise.all([left?.stop(), right?.stop()]);
  });

  it('share no socket, root, containerd or containers', async function () {
    [left, right] = await Promise.all([
      startSandbox({ name: 'left' }),
      startSandbox({ name: 'right' }),
    ]);

    const [one] = await createFleet(left.docker, {
      count: 1,
      image: left.imageRef,
      prefix: 'solo',
      signal: AbortSignal.timeout(CALL_MS),
    });
    await startContainers(left.docker, [one?.id ?? ''], { signal: AbortSignal.timeout(CALL_MS) });

    assert.notEqual(left.rootDir, right.rootDir);
    assert.notEqual(left.socketPath, right.socketPath);
    const rightDocker = right.docker;
    const rightListed = await withDeadline(
      (signal) => rightDocker.listContainers({ all: true, abortSignal: signal }),
      CALL_MS,
      'list containers',
    );
    assert.deepEqual(rightListed, []);
    for (const sandbox of [left, right]) {
      const own = listSandboxProcesses(sandbox.rootDir);
      for (const proc of own.filter((item) => item.role === 'containerd')) {
        assert.ok(configOf(proc.argv).startsWith(`${sandbox.rootDir}/`));
      }
      for (const proc of own.filter((item) => item.role === 'shim')) {
        assert.ok(argAfter(proc.argv, '-address')?.startsWith(`${sandbox.rootDir}/`));
      }
    }
    const leftShims = listSandboxProcesses(left.rootDir).filter((proc) => proc.role === 'shim');
    assert.equal(leftShims.length, 1);
    assert.equal(
      listSandboxProcesses(right.rootDir).filter((proc) => proc.role === 'shim').length,
      0,
    );
  });

  it('stop() leaves no process, mount or directory behind', async function () {
    assert.ok(left && right, 'the previous test starts both sandboxes');
    const leftProcesses = listSandboxProcesses(left.rootDir);
    const rightProcesses = listSandboxProcesses(right.rootDir);
    assert.ok(leftProcesses.some((proc) => proc.role === 'container'));

    await left.stop();
    // The right one as if another process had left it behind: found by its root dir alone.
    await stopSandboxAt(right.rootDir);

    for (const proc of [...leftProcesses, ...rightProcesses]) {
      assert.equal(isRunning(proc.pid), false, `${proc.role} ${proc.pid} still runs`);
    }
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    for (const sandbox of [left, right]) {
      assert.equal(existsSync(sandbox.rootDir), false);
      assert.equal(mounts.includes(sandbox.rootDir), false);
    }
  });

  it('refuses to stop a directory that holds no sandbox', async function () {
    await assert.rejects(stopSandboxAt('/tmp'), /not a sandbox root/);
  });
});

// The stop the frozen containerd held may have finished on its own after the thaw.
function ignoreNotModified(error: { statusCode?: number }): void {
  if (error.statusCode !== 304) {
    throw error;
  }
}

function configOf(argv: readonly string[]): string {
  return argAfter(argv, '--config') ?? '';
}

function argAfter(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}

// A zombie is not running: this machine's init reaps orphans late.
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) {
      return;
    }
    await delay(100);
  }
  assert.fail(`${what} did not happen`);
}
