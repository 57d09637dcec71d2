import type { ContainerState } from '../../model/container';
import type { OperationKind, OperationOptions } from '../../model/operation';

/**
 * Why `kind` would do nothing (or only fail) on a container in `state`, or undefined when
 * it applies. These mirror the engine's answers: a 304 for a no-op, a 409 for a conflict.
 */
export function skipReason(
  kind: OperationKind,
  state: ContainerState,
  options?: OperationOptions,
): string | undefined {
  if (state === 'removing') {
    return 'being removed';
  }

  switch (kind) {
    case 'start':
      return startReason(state);
    case 'restart':
      // A dead container cannot be started again, so restarting it can only fail.
      return state === 'dead' ? 'dead: it can only be removed' : undefined;
    case 'stop':
      return isUp(state) ? undefined : 'already stopped';
    case 'kill':
      return isUp(state) ? undefined : 'not running';
    case 'pause':
      return pauseReason(state);
    case 'unpause':
      return state === 'paused' ? undefined : 'not paused';
    case 'remove':
      return isUp(state) && options?.force !== true ? `${state}: remove needs force` : undefined;
  }
}

// A paused or restarting container still has processes, so stop and kill reach it.
function isUp(state: ContainerState): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

function startReason(state: ContainerState): string | undefined {
  switch (state) {
    case 'running':
      return 'already running';
    case 'paused':
      return 'paused: unpause it instead';
    case 'restarting':
      return 'restarting: already starting';
    case 'dead':
      return 'dead: it can only be removed';
    default:
      return undefined;
  }
}

function pauseReason(state: ContainerState): string | undefined {
  switch (state) {
    case 'running':
      return undefined;
    case 'paused':
      return 'already paused';
    case 'restarting':
      return 'restarting: pause it once it runs';
    default:
      return 'not running';
  }
}
