import { performance } from 'node:perf_hooks';

import Dockerode from 'dockerode';

import { withDeadline } from '../src/engine/util/deadline';
import type { Contender, ContenderRun } from './contender';
import { failureKind, tally } from './failureKind';
import { callDeadlineMs, plainCall } from './plainCall';
import type { ContenderOutcome } from './runResult';

/** How a plain client paces its calls. */
export type PlainMode =
  | { readonly type: 'fixed'; readonly concurrency: number }
  | { readonly type: 'sequential' }
  | { readonly type: 'unbounded' };

/**
 * A plain dockerode client: a worker pool at a fixed concurrency (the sweep that stands for
 * the engine's ceiling), or the two patterns a naive extension writes, an awaited loop and
 * one `Promise.all` over every container. Each call has the engine's deadline.
 */
export function plainClientContender(socketPath: string, mode: PlainMode): Contender {
  const docker = new Dockerode({ socketPath });
  const name =
    mode.type === 'fixed' ? `fixed ${mode.concurrency}`
      : mode.type === 'sequential' ? 'sequential loop' : 'Promise.all';
  return {
    name,
    family: mode.type === 'fixed' ? 'fixed' : 'naive',
    concurrency:
      mode.type === 'fixed' ? String(mode.concurrency)
        : mode.type === 'sequential' ? '1' : 'all',
    run: (run) => runPlain(docker, mode, run),
  };
}

async function runPlain(
  docker: Dockerode,
  mode: PlainMode,
  run: ContenderRun,
): Promise<ContenderOutcome> {
  const failures: Record<string, number> = {};
  const completionsMs: number[] = [];
  let succeeded = 0;
  const ms = callDeadlineMs(run.kind, run.graceSeconds);

  const call = (id: string, s: AbortSignal): Promise<unknown> =>
    plainCall(docker, run.kind, id, run.graceSeconds, s);
  const one = async (id: string): Promise<void> => {
    try {
      await withDeadline(run.signal, ms, (s) => call(id, s));
      succeeded++;
      completionsMs.push(performance.now() - run.t0);
    } catch (error) {
      // A 304 means the container was already there: nothing was needed, so it counts as done.
      if ((error as { statusCode?: number }).statusCode === 304) {
        succeeded++;
        completionsMs.push(performance.now() - run.t0);
        return;
      }
      tally(failures, run.signal.aborted ? 'hung' : failureKind(error));
    } finally {
      run.tick();
    }
  };

  if (mode.type === 'sequential') {
    for (const id of run.ids) await one(id);
  } else if (mode.type === 'unbounded') {
    await Promise.all(run.ids.map(one));
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < run.ids.length) await one(run.ids[next++] as string);
    };
    await Promise.all(Array.from({ length: Math.min(mode.concurrency, run.ids.length) }, worker));
  }
  return { succeeded, failures, completionsMs };
}
