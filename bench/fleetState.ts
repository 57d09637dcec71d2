import type Dockerode from 'dockerode';

import { FLEET_LABEL } from '../scripts/sandbox/fleet';
import { withDeadline } from '../src/engine/util/deadline';

/** The state a run needs its containers in before the clock starts. */
export type FleetState = 'running' | 'paused' | 'exited';

/** A reset that could not bring every container into the state: the engine may be hung. */
export class FleetResetError extends Error {
  override readonly name = 'FleetResetError';
}

const LIST_MS = 30_000;
const CALL_MS = 60_000;
// A start loads the daemon's CPU; more in flight only queues inside it. The rest is cheap.
const START_CONCURRENCY = 16;
const OTHER_CONCURRENCY = 32;

/** The fleet's containers by name order, with their states. */
export async function listFleet(
  docker: Dockerode,
  runLabel: string,
  signal: AbortSignal,
): Promise<{ id: string; name: string; state: string }[]> {
  const filters = { label: [`${FLEET_LABEL}=${runLabel}`] };
  const listed = await withDeadline(signal, LIST_MS, (s) =>
    docker.listContainers({ all: true, filters, abortSignal: s }),
  );
  return listed
    .map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), state: c.State }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Brings `ids` into `target` the fastest way (SIGKILL rather than stop, so a reset never
 * waits out a grace period), untimed. Throws FleetResetError when any container will not
 * go, which is how the bench notices an engine that stopped answering.
 */
export async function bringFleetTo(
  docker: Dockerode,
  runLabel: string,
  ids: readonly string[],
  target: FleetState,
  signal: AbortSignal,
): Promise<void> {
  const wanted = new Set(ids);
  const states = new Map(
    (await listFleet(docker, runLabel, signal))
      .filter((c) => wanted.has(c.id))
      .map((c) => [c.id, c.state]),
  );
  const steps = new Map<string, Step[]>();
  for (const id of ids) steps.set(id, stepsTo(states.get(id) ?? 'missing', target));

  for (const step of ['unpause', 'kill', 'start', 'pause'] as const) {
    const todo = [...steps].filter(([, list]) => list.includes(step)).map(([id]) => id);
    const limit = step === 'start' ? START_CONCURRENCY : OTHER_CONCURRENCY;
    await forEach(todo, limit, signal, (id, s) => act(docker, step, id, s));
  }

  const after = await listFleet(docker, runLabel, signal);
  const wrong = after.filter((c) => wanted.has(c.id) && !isIn(c.state, target));
  if (wrong.length > 0 || after.filter((c) => wanted.has(c.id)).length !== ids.length) {
    throw new FleetResetError(
      `${wrong.length} of ${ids.length} containers are not ${target} after a reset`,
    );
  }
}

type Step = 'unpause' | 'kill' | 'start' | 'pause';

function stepsTo(state: string, target: FleetState): Step[] {
  if (state === 'missing') throw new FleetResetError('A container of the fleet is gone');
  const running = state === 'running' || state === 'restarting';
  switch (target) {
    case 'exited':
      return state === 'paused' ? ['unpause', 'kill'] : running ? ['kill'] : [];
    case 'running':
      return state === 'paused' ? ['unpause'] : running ? [] : ['start'];
    case 'paused':
      return state === 'paused' ? [] : running ? ['pause'] : ['start', 'pause'];
  }
}

function isIn(state: string, target: FleetState): boolean {
  return target === 'exited' ? state === 'exited' || state === 'created' : state === target;
}

async function act(docker: Dockerode, step: Step, id: string, signal: AbortSignal): Promise<void> {
  const c = docker.getContainer(id);
  try {
    await withDeadline(signal, CALL_MS, (s) => {
      const opts = { abortSignal: s };
      if (step === 'kill') return c.kill({ ...opts, signal: 'SIGKILL' });
      if (step === 'start') return c.start(opts);
      return step === 'pause' ? c.pause(opts) : c.unpause(opts);
    });
  } catch (error) {
    // 304: already there. 409 on kill: it exited meanwhile. The final check decides.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 304 && status !== 409) throw error;
  }
}

async function forEach(
  ids: readonly string[],
  limit: number,
  signal: AbortSignal,
  task: (id: string, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < ids.length && firstError === undefined) {
      try {
        await task(ids[next++] as string, signal);
      } catch (error) {
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, ids.length) }, worker));
  if (firstError !== undefined) {
    throw new FleetResetError(`A reset step failed: ${String(firstError)}`, { cause: firstError });
  }
}
