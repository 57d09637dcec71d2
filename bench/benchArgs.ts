import { OPERATION_KINDS, type OperationKind } from '../src/engine/model/operation';

/** What `npm run bench` was asked to do. */
export interface BenchArgs {
  readonly quick: boolean;
  /** Fleet of the full phase: Stevedore, the sweep's best and the CLI. */
  readonly containers: number;
  /** Fleet of the sweep phase: every contender, the whole sweep and the naive patterns. */
  readonly subset: number;
  readonly sweep: readonly number[];
  readonly graceSeconds: number;
  /** Kinds Stevedore and the sweep's best run on the full fleet; the rest only on the subset. */
  readonly fullKinds: readonly OperationKind[];
  /** Kinds the docker CLI also runs on the full fleet; the rest only on the subset. */
  readonly cliFullKinds: readonly OperationKind[];
  /** False pins Stevedore to the per-kind defaults instead of its adaptive limiter. */
  readonly adaptive: boolean;
}

/** The command line, printed with a usage error. */
export const USAGE =
  'usage: npm run bench -- [--quick] [--containers N] [--subset N] [--sweep 1,4,8] ' +
  '[--grace S] [--full KINDS] [--cli-full KINDS] [--fixed-defaults]\n' +
  '  KINDS: a comma-separated list of start, stop, ..., or all, or none\n' +
  '       npm run bench -- --render bench/results/FILE.json  (rewrites the report only)';

/** A bad command line, said with what was expected. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/**
 * Parses the command line. Default: 1000 containers, the sweep on 80; `--quick`: 100 and 25
 * with a reduced sweep. Each start or restart costs this daemon about 0.3 s of CPU, so the
 * full fleet leaves out restart (two runs) and kill (an extra start of the fleet per run)
 * unless `--full` asks for them, and the CLI runs only the kinds that need no extra start of
 * the fleet unless `--cli-full` says.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const quick = argv.includes('--quick');
  let containers = quick ? 100 : 1000;
  let subset = quick ? 25 : 80;
  let sweep: number[] = quick ? [1, 8, 32] : [1, 4, 8, 16, 32, 64];
  let graceSeconds = 2;
  let fullKinds: OperationKind[] = ['start', 'stop', 'pause', 'unpause', 'remove'];
  let cliFullKinds: OperationKind[] = ['pause', 'unpause', 'remove'];
  let adaptive = true;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new BenchUsageError(`Expected a value after ${arg}`);
      return v;
    };
    if (arg === '--quick') continue;
    else if (arg === '--containers') containers = whole(arg, value(), 1);
    else if (arg === '--subset') subset = whole(arg, value(), 1);
    else if (arg === '--grace') graceSeconds = whole(arg, value(), 0);
    else if (arg === '--sweep') sweep = value().split(',').map((v) => whole(arg, v, 1));
    else if (arg === '--full') fullKinds = kinds(value());
    else if (arg === '--cli-full') cliFullKinds = kinds(value());
    else if (arg === '--fixed-defaults') adaptive = false;
    else throw new BenchUsageError(`Unknown argument ${arg}`);
  }
  return {
    quick,
    containers,
    subset: Math.min(subset, containers),
    sweep: [...new Set(sweep)].sort((a, b) => a - b),
    graceSeconds,
    fullKinds,
    cliFullKinds: cliFullKinds.filter((k) => fullKinds.includes(k)),
    adaptive,
  };
}

function whole(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new BenchUsageError(`Expected ${flag} to be a whole number >= ${min}, got ${text}`);
  }
  return n;
}

function kinds(text: string): OperationKind[] {
  if (text === 'all') return [...OPERATION_KINDS];
  if (text === 'none') return [];
  return text.split(',').map((k) => {
    if (!(OPERATION_KINDS as readonly string[]).includes(k)) {
      throw new BenchUsageError(`Expected operation kinds in --full or --cli-full, got ${k}`);
    }
    return k as OperationKind;
  });
}
