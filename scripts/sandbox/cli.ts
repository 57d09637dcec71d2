/**
 * Starts a throwaway Docker engine by hand, for the demo and for poking at Stevedore:
 *   tsx scripts/sandbox/cli.ts start [--containers N] [--start] [--name NAME]
 *   tsx scripts/sandbox/cli.ts stop ROOTDIR
 * `start` prints DOCKER_HOST and runs until Ctrl-C; `stop` cleans up one left behind.
 */
import { startSandbox, stopSandboxAt, type DockerSandbox } from './dockerSandbox';
import { createFleet, startContainers } from './fleet';

const USAGE = [
  'usage: tsx scripts/sandbox/cli.ts start [--containers N] [--start] [--name NAME]',
  '       tsx scripts/sandbox/cli.ts stop ROOTDIR',
].join('\n');

interface StartArgs {
  readonly containers: number;
  readonly start: boolean;
  readonly name?: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'start') {
    return runStart(parseStartArgs(rest));
  }
  if (command === 'stop' && rest.length === 1 && rest[0]) {
    await stopSandboxAt(rest[0]);
    console.log(`stopped and removed ${rest[0]}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

async function runStart(args: StartArgs): Promise<number> {
  const sandbox = await startSandbox(args.name ? { name: args.name } : {});
  const abort = new AbortController();
  let stopping = false;

  // First Ctrl-C stops gracefully; a second one exits at once and the exit hook kills all.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    abort.abort(new Error(`${signal} received`));
    console.error(`\n${signal}: stopping the sandbox (press Ctrl-C again to kill it)`);
    void stopAndExit(sandbox);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await makeFleet(sandbox, args, abort.signal);
  } catch (error) {
    // Interrupted by Ctrl-C: the graceful stop under way decides how the process ends.
    if (!stopping) {
      throw error;
    }
  }

  console.log(`DOCKER_HOST=${sandbox.dockerHost}`);
  console.log(`STEVEDORE_SANDBOX_ROOT=${sandbox.rootDir}`);
  console.log(`STEVEDORE_SANDBOX_IMAGE=${sandbox.imageRef}`);
  console.error('running; Ctrl-C stops and removes everything');

  // dockerd is unref'd so tests can exit; here the process must stay up until a signal.
  setInterval(() => undefined, 1 << 30);
  return new Promise<number>(() => undefined);
}

async function makeFleet(
  sandbox: DockerSandbox,
  args: StartArgs,
  signal: AbortSignal,
): Promise<void> {
  if (args.containers === 0) {
    return;
  }
  const fleet = await createFleet(sandbox.docker, {
    count: args.containers,
    image: sandbox.imageRef,
    runLabel: 'cli',
    signal,
  });
  if (args.start) {
    await startContainers(
      sandbox.docker,
      fleet.map((container) => container.id),
      { signal },
    );
  }
  console.error(`${fleet.length} containers ${args.start ? 'started' : 'created'}`);
}

async function stopAndExit(sandbox: DockerSandbox): Promise<void> {
  try {
    await sandbox.stop();
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}

function parseStartArgs(args: readonly string[]): StartArgs {
  let containers = 0;
  let start = false;
  let name: string | undefined;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--containers') {
      containers = Number(args[++i]);
      if (!Number.isInteger(containers) || containers < 0) {
        throw new UsageError(`Expected --containers to be a whole number, got ${args[i]}`);
      }
    } else if (arg === '--start') {
      start = true;
    } else if (arg === '--name') {
      name = args[++i];
    } else {
      throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return name === undefined ? { containers, start } : { containers, start, name };
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
