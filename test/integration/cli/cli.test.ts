import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createBrokenContainer,
  createFleet,
  FLEET_LABEL,
  type FleetContainer,
} from '../../../scripts/sandbox/fleet';
import type { CliResult } from '../../../src/cli/cliResult';
import { withSandbox } from '../../support/engineSandbox';

const CLI = join(__dirname, '../../../src/cli/main.ts');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI from source in its own process, as a user would run it. */
function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stevedore ${args.join(' ')} did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('The stevedore CLI against a real Docker engine', function () {
  this.timeout(600_000);
  const ctx = withSandbox({ name: 'cli' });
  let fleet: FleetContainer[];
  let historyDir: string;
  let stateHome: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(300_000);
    historyDir = mkdtempSync(join(tmpdir(), 'stevedore-cli-history-'));
    stateHome = mkdtempSync(join(tmpdir(), 'stevedore-cli-state-'));
    // The default history folder lives under XDG_STATE_HOME: keep it away from the user's.
    env = { DOCKER_HOST: ctx.sandbox.dockerHost, XDG_STATE_HOME: stateHome };
    fleet = await createFleet(ctx.docker, {
      count: 30,
      image: ctx.imageRef,
      prefix: 'cli',
      runLabel: 'cli',
    });
  });

  after(() => {
    rmSync(historyDir, { recursive: true, force: true });
    rmSync(stateHome, { recursive: true, force: true });
  });

  async function engineStates(): Promise<Map<string, string>> {
    const listed = await ctx.docker.listContainers({ all: true });
    return new Map(listed.map((c) => [c.Id, c.State]));
  }

  it('starts containers chosen by a selector and its JSON matches the engine', async () => {
    const result = await runCli(
      ['start', '--select', `label=${FLEET_LABEL}=cli`, '--json', '--history', historyDir],
      env,
    );

    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as CliResult;
    assert.equal(json.kind, 'start');
    assert.equal(json.total, fleet.length);
    assert.equal(json.succeeded, fleet.length);
    const states = await engineStates();
    for (const item of json.items) {
      assert.equal(item.outcome, 'succeeded');
      assert.equal(states.get(item.id), 'running', item.name);
    }
  });

  it('stops containers named on the command line, then skips them as already stopped',
    async () => {
      const names = fleet.slice(0, 5).map((c) => c.name);
      const first = await runCli(['stop', ...names, '--timeout', '1', '--json'], env);
      assert.equal(first.code, 0, first.stderr);

      const again = await runCli(['stop', ...names, '--timeout', '1', '--json'], env);

      const json = JSON.parse(again.stdout) as CliResult;
      assert.equal(again.code, 0, again.stderr);
      assert.equal(json.skipped, 5);
      const states = await engineStates();
      assert.ok(fleet.slice(0, 5).every((c) => states.get(c.id) === 'exited'));
    });

  it('exits 1 with the engine\'s own error when an item fails', async () => {
    const broken = await createBrokenContainer(ctx.docker, ctx.imageRef, 'cli-broken');

    const result = await runCli(['start', broken.id, '--json', '--history', historyDir], env);

    assert.equal(result.code, 1, result.stderr);
    const json = JSON.parse(result.stdout) as CliResult;
    assert.equal(json.failed, 1);
    assert.match(json.items[0]?.error?.message ?? '', /does-not-exist|no such file/i);
    await ctx.docker.getContainer(broken.id).remove({ force: true });
  });

  it('shows a plan without changing anything on --dry-run', async () => {
    const before = await engineStates();

    const result = await runCli(
      ['kill', '--select', `label=${FLEET_LABEL}=cli status=running`, '--dry-run'],
      env,
    );

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Would kill \d+ containers/);
    assert.deepEqual(await engineStates(), before);
  });

  it('exits 2 with a message for bad usage and bad selectors', async () => {
    const noTargets = await runCli(['stop'], env);
    const badSelector = await runCli(['stop', '--select', 'status='], env);
    const badCount = await runCli(['stop', 'x', '--concurrency', 'lots'], env);

    assert.equal(noTargets.code, 2);
    assert.equal(badSelector.code, 2);
    assert.match(badSelector.stderr, /column/);
    assert.equal(badCount.code, 2);
  });

  it('exits 1 when a named container does not exist', async () => {
    const result = await runCli(['stop', 'no-such-container', '--json'], env);

    assert.equal(result.code, 1);
    assert.match(result.stderr, /no-such-container/);
  });

  it('lists past operations, newest first, with stevedore history --json', async () => {
    const result = await runCli(['history', '--json', '--history', historyDir], env);

    assert.equal(result.code, 0, result.stderr);
    const list = JSON.parse(result.stdout) as CliResult[];
    assert.deepEqual(list.map((r) => r.kind), ['start', 'start']);
    assert.equal(list[0]?.failed, 1);
    assert.equal(list[1]?.total, fleet.length);
  });

  it('stops at the failure guard instead of waiting for an answer nobody can give', async () => {
    const broken = await Promise.all(
      [1, 2, 3].map((n) => createBrokenContainer(ctx.docker, ctx.imageRef, `cli-guard-${n}`)),
    );
    const names = [...broken.map((b) => b.name), ...fleet.map((c) => c.name)];

    const result = await runCli(
      // Restart acts on any state, so every target runs: the guard needs 20 finished items.
      ['restart', ...names, '--concurrency', '4', '--timeout', '1', '--failure-threshold', '0',
        '--json'],
      env,
    );

    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Stopped by the failure guard/);
    const json = JSON.parse(result.stdout) as CliResult;
    assert.equal(json.status, 'cancelled');
    assert.ok(json.failed >= 1 && json.cancelled > 0, `${json.failed} failed, ${json.cancelled}`);
    assert.equal(json.succeeded + json.skipped + json.failed + json.cancelled, json.total);
    await Promise.all(broken.map((b) => ctx.docker.getContainer(b.id).remove({ force: true })));
  });

  it('cancels cleanly on Ctrl-C and reports the unsent items as cancelled', async () => {
    const ids = fleet.map((c) => c.id);
    const events = await ctx.docker.getEvents({ filters: { event: ['restart'] } });
    const firstRestart = new Promise<void>((resolve) => events.once('data', () => resolve()));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'restart', ...ids, '--concurrency', '1', '--timeout', '1',
        '--json', '--history', historyDir],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));

    await firstRestart;
    (events as unknown as { destroy(): void }).destroy();
    child.kill('SIGINT');
    const code = await closed;

    assert.equal(code, 130, stderr);
    const json = JSON.parse(stdout) as CliResult;
    assert.equal(json.status, 'cancelled');
    assert.ok(json.cancelled > 0 && json.succeeded > 0, `${json.succeeded} ok, ${json.cancelled}`);
    assert.equal(json.succeeded + json.cancelled + json.failed + json.skipped, json.total);
  });
});
