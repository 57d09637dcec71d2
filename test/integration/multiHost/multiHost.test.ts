import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { type DockerSandbox, startSandbox } from '../../../scripts/sandbox/dockerSandbox';
import { createFleet, FLEET_LABEL } from '../../../scripts/sandbox/fleet';
import type { CliHostResult, CliResult } from '../../../src/cli/cliResult';
import { type CliRun, runCli, startCli } from '../reliability/reliabilityKit';

const PER_HOST = 12;
const RUN_LABEL = 'multihost';
const SELECT = `label=${FLEET_LABEL}=${RUN_LABEL}`;
const LIST_DEADLINE_MS = 10_000;

/** Polls `check` every quarter second until it holds; rejects after `ms`, naming `what`. */
async function waitFor(check: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await delay(250);
  }
}

function parseResult(run: CliRun): CliResult {
  try {
    return JSON.parse(run.stdout) as CliResult;
  } catch {
    throw new Error(`expected one JSON object, got:\n${run.stdout}\n${run.stderr}`);
  }
}

function hostResult(result: CliResult, host: string): CliHostResult {
  const found = result.hosts.find((h) => h.host === host);
  assert.ok(found, `no result for ${host} in ${JSON.stringify(result.hosts)}`);
  return found;
}

describe('One CLI operation over three Docker engines', function () {
  this.timeout(240_000);
  const sandboxes: DockerSandbox[] = [];
  let historyDir: string;
  let stateHome: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(180_000);
    historyDir = mkdtempSync(join(tmpdir(), 'stevedore-mh-history-'));
    stateHome = mkdtempSync(join(tmpdir(), 'stevedore-mh-state-'));
    // No DOCKER_HOST and an empty docker config: only the engines a test names are used.
    env = { DOCKER_HOST: '', DOCKER_CONFIG: stateHome, XDG_STATE_HOME: stateHome };

    const started = await Promise.allSettled(
      ['mh-a', 'mh-b', 'mh-c'].map((name) => startSandbox({ name })),
    );
    for (const outcome of started) {
      if (outcome.status === 'fulfilled') sandboxes.push(outcome.value);
    }
    const failed = started.find((o) => o.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    await Promise.all(sandboxes.map((sandbox) => createFleet(sandbox.docker, {
      count: PER_HOST,
      image: sandbox.imageRef,
      prefix: sandbox.name,
      runLabel: RUN_LABEL,
    })));
  });

  after(async function () {
    this.timeout(180_000);
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()));
    rmSync(historyDir, { recursive: true, force: true });
    rmSync(stateHome, { recursive: true, force: true });
  });

  const [a, b, c] = [0, 1, 2].map((i) => () => sandboxes[i]!);
  const hostArgs = (...which: (() => DockerSandbox)[]): string[] =>
    which.flatMap((s) => ['--host', s().dockerHost]);

  async function states(sandbox: DockerSandbox): Promise<string[]> {
    const listed = await sandbox.docker.listContainers({
      all: true,
      filters: { label: [`${FLEET_LABEL}=${RUN_LABEL}`] },
      abortSignal: AbortSignal.timeout(LIST_DEADLINE_MS),
    });
    return listed.map((container) => container.State);
  }

  async function allIn(sandbox: DockerSandbox, state: string): Promise<boolean> {
    const listed = await states(sandbox);
    return listed.length === PER_HOST && listed.every((s) => s === state);
  }

  it('starts the containers of all three engines in one operation, counted per engine',
    async () => {
      const run = await runCli(
        ['start', '--select', SELECT, ...hostArgs(a, b, c), '--json', '--history', historyDir],
        { env, timeoutMs: 150_000 },
      );

      assert.equal(run.code, 0, run.stderr);
      const result = parseResult(run);
      assert.equal(result.total, 3 * PER_HOST);
      assert.deepEqual(result.hosts.map((h) => h.host).sort(),
        [a().dockerHost, b().dockerHost, c().dockerHost].sort());
      for (const sandbox of [a(), b(), c()]) {
        const counts = hostResult(result, sandbox.dockerHost);
        assert.equal(counts.total, PER_HOST, sandbox.name);
        assert.equal(counts.succeeded, PER_HOST, sandbox.name);
        assert.ok(await allIn(sandbox, 'running'), `${sandbox.name}: ${await states(sandbox)}`);
      }
      assert.ok(result.items.every((i) => i.host !== undefined));
    });

  it('changes nothing and names an engine that cannot be listed, unless told to skip it',
    async () => {
      const missing = `unix://${join(stateHome, 'no-such-engine.sock')}`;

      const refused = await runCli(
        ['stop', '--select', SELECT, ...hostArgs(a), '--host', missing, '--json'],
        { env },
      );
      const skipping = await runCli(
        ['kill', '--select', SELECT, ...hostArgs(a, b, c), '--host', missing,
          '--skip-unreachable', '--dry-run'],
        { env },
      );

      assert.equal(refused.code, 1, refused.stderr);
      assert.ok(refused.stderr.includes(`cannot list ${missing}`), refused.stderr);
      assert.match(refused.stderr, /--skip-unreachable/);
      assert.equal(skipping.code, 0, skipping.stderr);
      assert.ok(skipping.stderr.includes(`skipping ${missing}`), skipping.stderr);
      assert.match(skipping.stdout,
        new RegExp(`Would kill ${3 * PER_HOST} containers on 3 engines`));
      for (const sandbox of [a(), b(), c()]) {
        assert.ok(skipping.stdout.includes(`  ${sandbox.dockerHost}: ${PER_HOST}\n`),
          skipping.stdout);
        assert.ok(await allIn(sandbox, 'running'), `${sandbox.name} was not touched`);
      }
    });

  it('finishes the other engines while a killed one waits, then fails only its items',
    async () => {
      // Half of each fleet ignores SIGTERM, so with two stops in flight per engine each takes
      // several seconds: engine C is still busy when it is killed.
      const cli = startCli(
        ['stop', '--select', SELECT, ...hostArgs(a, b, c), '--timeout', '3', '--concurrency',
          '2', '--keep-going', '--max-outage', '30', '--json', '--history', historyDir],
        { env, timeoutMs: 150_000 },
      );
      let ended = false;
      void cli.done.finally(() => (ended = true));

      await waitFor(async () => (await states(c())).some((s) => s === 'exited'),
        'a first stop on engine C', 60_000);
      c().kill('SIGKILL');
      await waitFor(async () => !(await c().ping(300)), 'the killed engine going quiet', 10_000);

      // A and B must finish on their own while C's items still wait for it to come back.
      await waitFor(async () => (await allIn(a(), 'exited')) && (await allIn(b(), 'exited')),
        'every stop on engines A and B', 90_000);
      assert.equal(ended, false, 'the operation ended before engine C\'s outage limit');

      const run = await cli.done;
      assert.equal(run.code, 1, run.stderr);
      const result = parseResult(run);
      for (const sandbox of [a(), b()]) {
        const counts = hostResult(result, sandbox.dockerHost);
        assert.equal(counts.succeeded + counts.skipped, PER_HOST,
          `${sandbox.name}: ${JSON.stringify(counts)}`);
      }
      const killed = hostResult(result, c().dockerHost);
      assert.ok(killed.failed > 0, JSON.stringify(killed));
      assert.equal(killed.succeeded + killed.skipped + killed.failed, PER_HOST,
        JSON.stringify(killed));
      const codes = new Set(result.items
        .filter((i) => i.host === c().dockerHost && i.outcome === 'failed')
        .map((i) => i.error?.code));
      assert.ok([...codes].every((code) => code === 'UNREACHABLE' || code === 'TIMEOUT'),
        [...codes].join(', '));
    });

  it('drives the engine a --context names, read from a DOCKER_CONFIG folder', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'stevedore-mh-docker-config-'));
    const digest = createHash('sha256').update('far-away').digest('hex');
    mkdirSync(join(configDir, 'contexts', 'meta', digest), { recursive: true });
    writeFileSync(join(configDir, 'contexts', 'meta', digest, 'meta.json'), JSON.stringify({
      Name: 'far-away',
      Metadata: {},
      Endpoints: { docker: { Host: b().dockerHost, SkipTLSVerify: false } },
    }));
    // DOCKER_HOST names engine A, which is what would be used without --context.
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'default' }));
    const contextEnv = { ...env, DOCKER_CONFIG: configDir, DOCKER_HOST: a().dockerHost };

    try {
      const run = await runCli(
        ['remove', '--select', SELECT, '--context', 'far-away', '--json', '--history', historyDir],
        { env: contextEnv },
      );

      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(parseResult(run).hosts.map((h) => [h.host, h.succeeded]),
        [['far-away', PER_HOST]]);
      assert.deepEqual(await states(b()), []);
      assert.equal((await states(a())).length, PER_HOST, 'engine A was not touched');
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  });
});
