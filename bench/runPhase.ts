import type { OperationKind } from '../src/engine/model/operation';
import type { Contender } from './contender';
import { measureRun, type MeasureContext } from './measureRun';
import type { RunResult } from './runResult';
import type { StevedoreContender } from './stevedoreContender';

/** One phase of the bench: a fleet of one size and who runs which kind on it. */
export interface PhaseSpec {
  readonly name: string;
  readonly containers: number;
  /** The contenders of each kind, in the order they run. */
  readonly contenders: (kind: OperationKind) => readonly Contender[];
  /**
   * Repetitions of pause + unpause through Stevedore, reading the heap after each; the first
   * is its measured pause and unpause. 0 for none.
   */
  readonly memoryReps: number;
  readonly stevedore: StevedoreContender;
}

/** Makes and clears the fleet of a phase, untimed; ids come back in name order. */
export interface PhaseFleet {
  createFleet(prefix: string, count: number): Promise<string[]>;
  removeFleet(prefix: string): Promise<void>;
}

/** What a phase measured. */
export interface PhaseResult {
  readonly runs: RunResult[];
  /** Heap used (MB) after each repetition of the memory check, after a GC when exposed. */
  readonly heapAfterRepMb: number[];
}

/**
 * Runs every kind in an order that leaves the fleet as the next needs it, so most resets
 * cost nothing: each start is followed by a stop (start leaves it running, stop leaves it
 * stopped); pause, unpause and restart run on the fleet the last start left running; each
 * kill but the first needs a fresh running fleet (the one reset that costs a start); remove
 * goes last, each remover on a fleet fresh from create.
 */
export async function runPhase(
  ctx: Omit<MeasureContext, 'phase' | 'runLabel'>,
  spec: PhaseSpec,
  fleet: PhaseFleet,
): Promise<PhaseResult> {
  const { createFleet, removeFleet } = fleet;
  const prefix = spec.name;
  let ids = await createFleet(prefix, spec.containers);
  const mctx: MeasureContext = { ...ctx, phase: spec.name, runLabel: prefix };
  const runs: RunResult[] = [];
  const measure = async (c: Contender, kind: OperationKind): Promise<void> => {
    runs.push(await measureRun(mctx, c, kind, ids));
  };

  // The running fleet the last start leaves serves pause, unpause and restart before the
  // last stop, which saves a start of the whole fleet.
  const heapAfterRepMb: number[] = [];
  const onRunningFleet = async (): Promise<void> => {
    await alternate(spec.contenders('pause'), spec.contenders('unpause'),
      (a) => measure(a, 'pause'),
      async (b) => {
        await measure(b, 'unpause');
        // The memory check's first repetition is Stevedore's measured pause + unpause.
        if (b === spec.stevedore && spec.memoryReps > 0) heapAfterRepMb.push(heapUsedMb());
      });
    for (let rep = 2; rep <= spec.memoryReps; rep++) {
      const repCtx = { ...mctx, phase: `${spec.name} memory ${rep}` };
      runs.push(await measureRun(repCtx, spec.stevedore, 'pause', ids));
      runs.push(await measureRun(repCtx, spec.stevedore, 'unpause', ids));
      heapAfterRepMb.push(heapUsedMb());
    }
    for (const c of spec.contenders('restart')) await measure(c, 'restart');
  };

  const starts = spec.contenders('start');
  const stops = spec.contenders('stop');
  const pairs = Math.max(starts.length, stops.length);
  for (let i = 0; i < pairs; i++) {
    const start = starts[i];
    const stop = stops[i];
    if (start) await measure(start, 'start');
    if (i === pairs - 1) await onRunningFleet();
    if (stop) await measure(stop, 'stop');
  }
  if (pairs === 0) await onRunningFleet();

  for (const c of spec.contenders('kill')) await measure(c, 'kill');

  // Every remover gets a fleet fresh from create, so none removes what another left behind.
  for (const c of spec.contenders('remove')) {
    await removeFleet(prefix);
    ids = await createFleet(prefix, spec.containers);
    await measure(c, 'remove');
  }
  await removeFleet(prefix);
  return { runs, heapAfterRepMb };
}

async function alternate(
  first: readonly Contender[],
  second: readonly Contender[],
  runFirst: (c: Contender) => Promise<void>,
  runSecond: (c: Contender) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    const a = first[i];
    const b = second[i];
    if (a) await runFirst(a);
    if (b) await runSecond(b);
  }
}

function heapUsedMb(): number {
  // Without --expose-gc the figure includes garbage not yet collected; say so in the report.
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}
