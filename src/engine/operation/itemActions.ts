import type { ContainerEngine } from '../docker/containerEngine';
import type { ContainerState } from '../model/container';
import type { OperationKind, OperationOptions } from '../model/operation';

/** Seconds a stop or restart waits by default, as the docker CLI does. */
export const DEFAULT_GRACE_SECONDS = 10;

/** One engine action on one container. */
export type ActionStep = Exclude<OperationKind, 'remove'> | 'remove';

/** Sends one action for one container to the engine; throws typed engine errors. */
export async function performStep(
  adapter: ContainerEngine,
  step: ActionStep,
  id: string,
  options: OperationOptions,
  signal: AbortSignal,
): Promise<void> {
  const grace = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  switch (step) {
    case 'start':
      return adapter.start(id, signal);
    case 'stop':
      return adapter.stop(id, grace, signal);
    case 'restart':
      return adapter.restart(id, grace, signal);
    case 'kill':
      return adapter.kill(id, options.signal ?? 'SIGKILL', signal);
    case 'pause':
      return adapter.pause(id, signal);
    case 'unpause':
      return adapter.unpause(id, signal);
    case 'remove':
      return adapter.remove(id, { force: options.force, volumes: options.removeVolumes }, signal);
  }
}

/** True when operations of this kind can be put back by a rollback. */
export function isReversible(kind: OperationKind): boolean {
  return kind !== 'remove';
}

const RUNNING_LIKE: ReadonlySet<ContainerState> = new Set(['running', 'restarting']);

/**
 * The steps that put a container back into the state it had before `kind` succeeded on
 * it. An empty list means it already is (a restart of a running container).
 */
export function rollbackSteps(kind: OperationKind, before: ContainerState): ActionStep[] {
  const wasRunning = RUNNING_LIKE.has(before);
  const wasPaused = before === 'paused';
  switch (kind) {
    case 'start':
      return ['stop'];
    case 'stop':
    case 'kill':
      if (wasPaused) return ['start', 'pause'];
      return wasRunning ? ['start'] : [];
    case 'restart':
      if (wasPaused) return ['pause'];
      return wasRunning ? [] : ['stop'];
    case 'pause':
      return ['unpause'];
    case 'unpause':
      return ['pause'];
    case 'remove':
      throw new Error('A removed container cannot be brought back');
  }
}

/**
 * Whether a container in `state` (undefined when it no longer exists) shows that `kind`
 * took effect. Used after an attempt whose answer was lost, to avoid doing it twice or
 * reporting it undone. Restart cannot be told from its result, so it is never assumed.
 */
export function showsDone(kind: OperationKind, state: ContainerState | undefined): boolean {
  switch (kind) {
    case 'start':
    case 'unpause':
      return state === 'running';
    case 'stop':
    case 'kill':
      return state === 'exited' || state === 'created' || state === 'dead';
    case 'pause':
      return state === 'paused';
    case 'remove':
      return state === undefined;
    case 'restart':
      return false;
  }
}
