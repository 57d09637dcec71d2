/**
 * The command-line demo: a throwaway Docker engine with a few hundred containers, stopped
 * and started by the `stevedore` CLI with its progress bar, then cleaned away.
 *
 *   npx tsx scripts/cliDemo.ts [--containers N]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { startSandbox } from './sandbox/dockerSandbox';
import { createFleet, startContainers } from './sandbox/fleet';

const CLI = join(__dirname, '..', 'src', 'cli', 'main.ts');

function readCount(argv: readonly string[]): number {
  const i = argv.indexOf('--containers');
  const n = i >= 0 ? Number(argv[i + 1]) : 300;
  if (!Number.isInteger(n) || n < 1 || n > 5000) {
    throw new Error(`Expected --containers to be a whole number 1-5000, got "${argv[i + 1]}"`);
  }
  return n;
}

/** Runs the CLI in the foreground so its progress bar draws on this terminal. */
function stevedore(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n$ stevedore ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const count = readCount(process.argv.slice(2));
  process.stdout.write(`Starting a throwaway Docker engine with ${count} containers...\n`);
  const sandbox = await startSandbox({ name: 'demo' });

  try {
    const fleet = await createFleet(sandbox.docker, {
      count,
      image: sandbox.imageRef,
      prefix: 'demo',
    });
    // Half running to begin with, so the plan has something to skip.
    await startContainers(sandbox.docker, fleet.slice(0, Math.ceil(count / 2)).map((c) => c.id));
    const env = { DOCKER_HOST: sandbox.dockerHost, XDG_STATE_HOME: join(sandbox.rootDir, 'state') };

    await stevedore(['start', '--select', 'label=stevedore.fleet=demo', '--dry-run'], env);
    await stevedore(['start', '--select', 'label=stevedore.fleet=demo'], env);
    await stevedore(['stop', '--select', 'project=demo-proj-* status=running', '--timeout', '2'],
      env);
    await stevedore(['history'], env);
  } finally {
    process.stdout.write('\nRemoving the throwaway engine...\n');
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cli demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
