// Runs the extension tests inside a real VS Code against a throwaway Docker engine: starts a
// sandbox with a small labelled fleet, builds, runs test/extension/*.test.ts in code-server
// (or in desktop VS Code with --electron), stops everything and exits with the suite's code.
//
//   tsx scripts/vscode/testExtension.ts [--electron] [--timeout S]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { startSandbox, type DockerSandbox } from '../sandbox/dockerSandbox';
import { createFleet, startContainers } from '../sandbox/fleet';
import { runElectronTests } from './runElectronTests';
import { runExtensionTests } from './runExtensionTests';
import { runScript } from './runScript';

const REPO = resolve(__dirname, '../..');
const TESTS = resolve(REPO, 'out/test/extension/index.js');

/** The label value the fleet carries, which the tests read to find it. */
export const TEST_FLEET = 'ext-tests';
const FLEET_SIZE = 60;
const RUNNING = 12;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      electron: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
    },
  });

  build();
  const sandbox = await startSandbox({ name: 'ext-tests' });
  // Schedules live in $XDG_STATE_HOME/stevedore, shared with the CLI: a private one keeps
  // the tests from reading or running a user's schedules.
  const stateHome = mkdtempSync(join(tmpdir(), 'stevedore-ext-state-'));
  try {
    await prepareFleet(sandbox);
    const env = {
      DOCKER_HOST: sandbox.dockerHost,
      STEVEDORE_TEST_IMAGE: sandbox.imageRef,
      STEVEDORE_TEST_FLEET: TEST_FLEET,
      XDG_STATE_HOME: stateHome,
    };
    process.stdout.write(`sandbox ${sandbox.dockerHost} with ${FLEET_SIZE} containers\n`);

    if (values.electron) {
      const result = await runElectronTests({ extensionPath: REPO, testsPath: TESTS, env });
      return report(result.exitCode, result.counts, undefined);
    }
    const result = await runExtensionTests({
      extensionPath: REPO,
      testsPath: TESTS,
      env,
      timeoutSeconds: Number(values.timeout),
    });
    return report(result.exitCode, result.counts, result.failure);
  } finally {
    rmSync(stateHome, { recursive: true, force: true });
    await sandbox.stop();
  }
}

// The suite runs the bundles, so they are rebuilt first: a stale dist/ would test old code.
function build(): void {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (built.status !== 0) {
    throw new Error(`node esbuild.mjs failed with ${built.status ?? built.signal}`);
  }
}

// Compose projects with depends_on, most containers created, a few running: what the tree
// tests check the view against. Tests that change states make containers of their own.
async function prepareFleet(sandbox: DockerSandbox): Promise<void> {
  const fleet = await createFleet(sandbox.docker, {
    count: FLEET_SIZE,
    image: sandbox.imageRef,
    prefix: 'fleet',
    runLabel: TEST_FLEET,
    groups: 4,
  });
  await startContainers(sandbox.docker, fleet.slice(0, RUNNING).map((c) => c.id));
}

function report(
  exitCode: number,
  counts: { passes: number; failures: number; pending: number } | undefined,
  failure: string | undefined,
): number {
  if (failure !== undefined) process.stderr.write(`extension tests: ${failure}\n`);
  if (counts === undefined) {
    process.stderr.write('extension tests: the suite reported no counts (it did not run)\n');
    return exitCode === 0 ? 1 : exitCode;
  }
  const skipped = counts.pending > 0 ? `, ${counts.pending} skipped` : '';
  process.stdout.write(`${counts.passes} passed, ${counts.failures} failed${skipped}\n`);
  return exitCode;
}

if (require.main === module) {
  runScript('extension tests', main);
}
