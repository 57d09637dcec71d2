import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

import type { OperationKind } from '../src/engine/model/operation';
import type { Contender, ContenderRun } from './contender';
import { tally } from './failureKind';
import { readPeakRssMb, readProcCpu } from './procStat';
import type { ContenderOutcome } from './runResult';

/** Where Debian's docker.io and the upstream client put the docker CLI. */
const DOCKER_BINARIES = ['/usr/bin/docker', '/usr/local/bin/docker'];

/** Bytes of ids per process: far below Linux's 128 KiB per-argument and 2 MiB argv limits. */
const ARGV_BUDGET = 100_000;

/** The docker CLI binary, or undefined when neither is installed. */
export function findDockerCli(): string | undefined {
  return DOCKER_BINARIES.find((path) => existsSync(path));
}

/**
 * The docker CLI as users run it: `docker start ID...`, `docker stop -t 2 ID...`, one
 * process per chunk of ids, chunks one after another. Each id it prints on stdout is one
 * container done; each "Error response" line on stderr one failure. Its CPU is the children
 * CPU this process gains once the CLI is reaped.
 */
export function dockerCliContender(binary: string, dockerHost: string): Contender {
  return {
    name: 'docker CLI',
    family: 'cli',
    concurrency: 'CLI (start/restart 1, others 50)',
    run: (run) => runCli(binary, dockerHost, run),
  };
}

async function runCli(binary: string, host: string, run: ContenderRun): Promise<ContenderOutcome> {
  const failures: Record<string, number> = {};
  const completionsMs: number[] = [];
  const cpuBefore = readProcCpu('self')?.children ?? 0;
  let peakRssMb = 0;

  for (const chunk of chunkIds(run.ids)) {
    if (run.signal.aborted) {
      tally(failures, 'hung');
      continue;
    }
    const args = [...cliArgs(run.kind, run.graceSeconds), ...chunk];
    const child = spawn(binary, args, {
      env: { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sampler = setInterval(() => {
      if (child.pid) peakRssMb = Math.max(peakRssMb, readPeakRssMb(child.pid));
    }, 100);
    const onAbort = (): void => void child.kill('SIGKILL');
    run.signal.addEventListener('abort', onAbort, { once: true });

    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.trim()) return;
      completionsMs.push(performance.now() - run.t0);
      run.tick();
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      // The closing "Error: failed to start containers: a, b" repeats the lines before it.
      if (/error/i.test(line) && !/failed to \w+ (containers?|one or more)/i.test(line)) {
        tally(failures, cliFailureKind(line));
        run.tick();
      }
    });
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', (error) => {
        tally(failures, `spawn ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
        resolve();
      });
    });
    clearInterval(sampler);
    run.signal.removeEventListener('abort', onAbort);
  }

  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  const missing = run.ids.length - completionsMs.length - failed;
  if (missing > 0) failures[run.signal.aborted ? 'hung' : 'no output'] = missing;
  return {
    succeeded: completionsMs.length,
    failures,
    completionsMs,
    childCpuSec: (readProcCpu('self')?.children ?? 0) - cpuBefore,
    childPeakRssMb: peakRssMb,
  };
}

function cliArgs(kind: OperationKind, grace: number): string[] {
  switch (kind) {
    case 'stop':
    case 'restart':
      return [kind, '-t', String(grace)];
    case 'kill':
      return ['kill', '--signal', 'KILL'];
    case 'remove':
      return ['rm', '-f'];
    default:
      return [kind];
  }
}

function chunkIds(ids: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const id of ids) {
    if (bytes + id.length + 1 > ARGV_BUDGET && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(id);
    bytes += id.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

// The CLI prints the daemon's words; these are the ones a bulk run meets.
function cliFailureKind(line: string): string {
  if (/no such container/i.test(line)) return 'not found';
  if (/is not running|is not paused|is already paused|is paused/i.test(line)) return 'conflict';
  if (/timeout|deadline|timed out/i.test(line)) return 'timeout';
  if (/cannot connect|connection refused|EOF/i.test(line)) return 'unreachable';
  return 'other';
}
